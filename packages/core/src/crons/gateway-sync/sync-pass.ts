// One sync pass for one gateway, with its I/O injected (ADR 0020): list every job, load the crons linked to the
// gateway, plan, then apply the plan in order — gateway writes through the rate limiter, each followed by recording
// what the gateway answered; Mission Control writes as they come. A write the gateway refuses for good leaves that cron
// with `sync_state: error` and the pass goes on. The wiring supplies the ports (the WebSocket client, the database).
import { jobView, type McCronForSync, type SyncContext } from './mapping';
import type { OpenClawJob } from './openclaw-job';
import { gatewayWrites, planReconcile, type GatewayWrite, type ReconcilePlan, type SyncAction } from './reconcile';
import { runWrites, WriteLimiter, type WriteClock } from './write-scheduler';

/** The job in a `cron.add` answer: the job itself, or `{created, updated?, job}` when a declaration key was given. */
export function jobOfWriteResult(result: unknown): OpenClawJob | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as Record<string, unknown>;
  const job = (r.job && typeof r.job === 'object' ? r.job : r) as Record<string, unknown>;
  return typeof job.id === 'string' && job.schedule && typeof job.schedule === 'object' ? (job as unknown as OpenClawJob) : null;
}

export interface SyncPassPorts {
  ctx: SyncContext;
  /** Every job: all pages of `cron.list {includeDisabled: true, limit: 200, offset}`. */
  listJobs(): Promise<OpenClawJob[]>;
  /** The crons linked to this gateway (including those waiting for their first add). */
  loadRecords(): Promise<McCronForSync[]>;
  /** One gateway call (`cron.add` / `cron.update` / `cron.remove`); rejects with the gateway's error shape. */
  call(method: GatewayWrite['method'], params: unknown): Promise<unknown>;
  /** Persist a Mission Control-side action (import_to_mc, update_mc, remove_from_mc, mark_synced, report_conflict). */
  applyMc(action: Exclude<SyncAction, { type: 'add_to_gateway' | 'update_gateway' | 'remove_from_gateway' }>): Promise<void>;
  /**
   * A gateway write succeeded: record the link and fingerprints (`gatewayJobId`, `syncFingerprint`,
   * `gatewayFingerprint`, `sync_state ok`). `job` is null for a removal.
   */
  recordGatewayWrite(action: GatewayWrite['action'], job: OpenClawJob | null, gatewayFingerprint: string | null): Promise<void>;
  /** A gateway write failed for good: `sync_state error` with the message (no secrets: the gateway's own words). */
  recordSyncError(cronId: string, message: string): Promise<void>;
  clock: WriteClock;
  limiter?: WriteLimiter;
  shouldStop?: () => boolean;
}

export interface SyncPassResult {
  plan: ReconcilePlan;
  written: number;
  failed: number;
}

const errorText = (e: unknown) => {
  const m = e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return m.length > 500 ? `${m.slice(0, 497)}…` : m;
};

export async function runSyncPass(p: SyncPassPorts): Promise<SyncPassResult> {
  const [jobs, records] = await Promise.all([p.listJobs(), p.loadRecords()]);
  const plan = planReconcile({ ctx: p.ctx, records, jobs });
  const limiter = p.limiter ?? new WriteLimiter();
  const owners = new Map(records.map((r) => [r.id, r.owner]));
  let written = 0;
  let failed = 0;
  const writes = new Map(gatewayWrites(plan.actions).map((w) => [w.action, w]));
  for (const action of plan.actions) {
    if (p.shouldStop?.()) break;
    const write = writes.get(action as GatewayWrite['action']);
    if (!write) {
      await p.applyMc(action as Parameters<SyncPassPorts['applyMc']>[0]);
      continue;
    }
    const [outcome] = await runWrites([write], { call: (w) => p.call(w.method, w.params), clock: p.clock, limiter, shouldStop: p.shouldStop });
    if (!outcome) break;
    if (outcome.ok) {
      written++;
      const job = write.method === 'cron.remove' ? null : jobOfWriteResult(outcome.result);
      const owner = owners.get(write.action.cronId) ?? 'mission_control';
      await p.recordGatewayWrite(write.action, job, job ? jobView(p.ctx, job, owner).fingerprint : null);
    } else {
      failed++;
      await p.recordSyncError(write.action.cronId, `${write.method} failed: ${errorText(outcome.error)}`);
    }
  }
  return { plan, written, failed };
}
