import type { Ctx } from '../context';
import { attemptDelivery, claimDueDeliveries, type DeliverOptions } from './deliver-webhooks';
import { dispatchWebhookEvents } from './dispatch-events';
import { WEBHOOK_DISPATCH_BATCH, WEBHOOK_KICK_DEBOUNCE_MS, WEBHOOK_POLL_INTERVAL_MS, WEBHOOK_SEND_CONCURRENCY } from './webhooks.rules';

export interface WebhookRunnerOptions extends DeliverOptions {
  /** How often to look for work without a wake-up (default 500 ms). */
  intervalMs?: number;
  onError?: (err: unknown) => void;
  /** Called after each pass that did not fail (so that a failure log can say the runner has recovered). */
  onPassDone?: () => void;
}

/**
 * The background loop of one process: dispatch outbox events into deliveries, then keep up to `concurrency`
 * attempts in flight. It runs every `intervalMs` and shortly after `kick()` is called (the composition root kicks
 * it on every live event, so a new event goes out within tens of milliseconds). Nothing here is needed for correctness:
 * claims and leases live in the database, so any number of processes can run one, and a killed process loses
 * nothing (its leased deliveries are retried once their lease runs out).
 */
export class WebhookRunner {
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  /** Whether the next pass should look for due deliveries (see `pass`). */
  private due = true;
  /** A kick since the last debounced pass asked to look for due deliveries. */
  private kickDue = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: WebhookRunnerOptions = {},
  ) {}

  start() {
    this.stopped = false;
    this.timer = setInterval(() => this.look(true), this.opts.intervalMs ?? WEBHOOK_POLL_INTERVAL_MS);
    this.timer.unref?.();
    this.look(true);
  }

  /**
   * An event was written: dispatch it soon (`due`: and send the deliveries its transaction wrote). Kicks are debounced (`WEBHOOK_KICK_DEBOUNCE_MS`), so that under load
   * one pass takes a batch of events instead of one pass per event (each pass costs at least one statement).
   */
  kick(opts: { due?: boolean } = {}) {
    if (this.stopped) return;
    // The event's transaction wrote a delivery itself (a dispatch, see DELIVERY_WRITING_EVENTS): look for due ones.
    if (opts.due) this.kickDue = true;
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const due = this.kickDue;
      this.kickDue = false;
      this.look(due);
    }, WEBHOOK_KICK_DEBOUNCE_MS);
    this.debounce.unref?.();
  }

  /** Make a pass now (coalesced: a call during a pass makes one more pass); `due`: also look for due deliveries. */
  private look(due: boolean) {
    if (this.stopped) return;
    if (due) this.due = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => this.opts.onPassDone?.())
      .catch((err) => (this.opts.onError ?? ((e) => console.error('[webhooks] runner failed:', (e as Error).message)))(err))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.look(false);
        }
      });
  }

  private async pass() {
    // Drain the outbox first, so that deliveries exist before the worker looks for them.
    let created = 0;
    for (;;) {
      if (this.stopped) return;
      const dispatched = await dispatchWebhookEvents(this.ctx);
      created += dispatched.deliveries;
      if (dispatched.events < WEBHOOK_DISPATCH_BATCH) break;
    }
    // Deliveries become due when a dispatch creates them, when a retry's time comes (the interval tick) and when
    // an attempt ends (a free slot); a pass for events that created none skips the claim query.
    if (created > 0) this.due = true;
    if (this.stopped || !this.due) return;
    const capacity = Math.max(1, this.opts.concurrency ?? WEBHOOK_SEND_CONCURRENCY);
    const free = capacity - this.inFlight.size;
    if (free <= 0) return; // still due: the next attempt to end looks again
    this.due = false;
    const claims = await claimDueDeliveries(this.ctx, free);
    for (const claim of claims) {
      const p: Promise<unknown> = attemptDelivery(this.ctx, claim, this.opts)
        .catch((err) => (this.opts.onError ?? ((e) => console.error('[webhooks] attempt failed:', (e as Error).message)))(err))
        .finally(() => {
          this.inFlight.delete(p);
          this.look(true);
        });
      this.inFlight.add(p);
    }
    // A full batch means more may be due: look again right after this pass.
    if (claims.length === free) {
      this.due = true;
      this.again = true;
    }
  }

  /** Stop looking for work and wait for the attempts in flight (their results are recorded). */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.debounce = undefined;
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }
}
