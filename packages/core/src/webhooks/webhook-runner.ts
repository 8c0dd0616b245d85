import type { Ctx } from '../context';
import { attemptDelivery, claimDueDeliveries, type DeliverOptions } from './deliver-webhooks';
import { dispatchWebhookEvents } from './dispatch-events';
import { WEBHOOK_DISPATCH_BATCH, WEBHOOK_POLL_INTERVAL_MS, WEBHOOK_SEND_CONCURRENCY } from './webhooks.rules';

export interface WebhookRunnerOptions extends DeliverOptions {
  /** How often to look for work without a wake-up (default 500 ms). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The background loop of one process: dispatch outbox events into deliveries, then keep up to `concurrency`
 * attempts in flight. It runs every `intervalMs` and whenever `kick()` is called (the composition root kicks it
 * on every live event, so a new event goes out within milliseconds). Nothing here is needed for correctness:
 * claims and leases live in the database, so any number of processes can run one, and a killed process loses
 * nothing (its leased deliveries are retried once their lease runs out).
 */
export class WebhookRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: WebhookRunnerOptions = {},
  ) {}

  start() {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs ?? WEBHOOK_POLL_INTERVAL_MS);
    this.timer.unref?.();
    this.kick();
  }

  /** Look for work now (coalesced: a kick during a pass makes one more pass). */
  kick() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => (this.opts.onError ?? ((e) => console.error('[webhooks] runner failed:', (e as Error).message)))(err))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass() {
    // Drain the outbox first, so that deliveries exist before the worker looks for them.
    while (!this.stopped && (await dispatchWebhookEvents(this.ctx)).events === WEBHOOK_DISPATCH_BATCH);
    const capacity = Math.max(1, this.opts.concurrency ?? WEBHOOK_SEND_CONCURRENCY);
    const free = capacity - this.inFlight.size;
    if (this.stopped || free <= 0) return;
    const claims = await claimDueDeliveries(this.ctx, free);
    for (const claim of claims) {
      const p: Promise<unknown> = attemptDelivery(this.ctx, claim, this.opts)
        .catch((err) => (this.opts.onError ?? ((e) => console.error('[webhooks] attempt failed:', (e as Error).message)))(err))
        .finally(() => {
          this.inFlight.delete(p);
          this.kick();
        });
      this.inFlight.add(p);
    }
    // A full batch means more may be due: look again right after this pass.
    if (claims.length === free) this.again = true;
  }

  /** Stop looking for work and wait for the attempts in flight (their results are recorded). */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }
}
