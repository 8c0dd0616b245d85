// A stand-in for a gateway's cron store in unit tests of the planner: it applies `cron.add` / `cron.update` /
// `cron.remove` the way OpenClaw 2026.9.6 stores them (facts in ADR 0020): a declaration key converges instead of
// adding; a cron expression without `staggerMs` gets the 5-minute stagger when it is a recurring top-of-hour one; an
// `every` without `anchorMs` is anchored at creation; an `at` job defaults to `deleteAfterRun: true`; an omitted
// `delivery` means announce. The integration suite runs the real gateway; this keeps the unit tests honest about
// what the gateway does to what it is sent.
import type { OpenClawJob, OpenClawJobCreate, OpenClawJobPatch } from './openclaw-job';
import { jobView, recordFieldsOf, type McCronForSync, type SyncContext } from './mapping';
import type { SyncAction } from './reconcile';

const topOfHour = (expr: string) => {
  const [m, h] = expr.trim().split(/\s+/);
  return m === '0' && h.split(',').some((p) => p.startsWith('*'));
};

export class FakeGateway {
  jobs: OpenClawJob[] = [];
  private seq = 0;
  constructor(public nowMs = Date.UTC(2027, 0, 10, 12)) {}

  add(params: OpenClawJobCreate | Record<string, unknown>): OpenClawJob {
    const p = params as OpenClawJobCreate & Record<string, unknown>;
    if (p.declarationKey) {
      const existing = this.jobs.find((j) => j.declarationKey === p.declarationKey);
      if (existing) return this.update(existing.id, p as OpenClawJobPatch);
    }
    const schedule = { ...(p.schedule as object) } as OpenClawJob['schedule'];
    if (schedule.kind === 'cron' && schedule.staggerMs === undefined && topOfHour(schedule.expr!)) schedule.staggerMs = 300_000;
    if (schedule.kind === 'every' && schedule.anchorMs === undefined) schedule.anchorMs = this.nowMs;
    const job: OpenClawJob = {
      ...(p as object),
      id: `job-${++this.seq}`,
      name: String(p.name).trim(),
      enabled: p.enabled !== false,
      createdAtMs: this.nowMs,
      updatedAtMs: this.nowMs,
      schedule,
      payload: { ...(p.payload as object) },
      delivery: p.delivery ?? { mode: 'announce' },
      ...(schedule.kind === 'at' && p.deleteAfterRun === undefined ? { deleteAfterRun: true } : {}),
      state: {},
    } as OpenClawJob;
    this.jobs.push(job);
    return structuredClone(job);
  }

  update(id: string, patch: OpenClawJobPatch): OpenClawJob {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new Error(`unknown cron job id: ${id}`);
    const { payload, ...rest } = patch;
    Object.assign(job, rest);
    if (payload) {
      for (const [k, v] of Object.entries(payload)) {
        if (v === null) delete job.payload[k];
        else job.payload[k] = v;
      }
    }
    job.updatedAtMs = this.nowMs;
    return structuredClone(job);
  }

  remove(id: string) {
    this.jobs = this.jobs.filter((j) => j.id !== id);
  }

  /** `cron.list` with every page. */
  list(): OpenClawJob[] {
    return structuredClone(this.jobs);
  }
}

/** Mission Control's side in tests: records by cron id, as the wiring would store them. */
export class FakeMc {
  records = new Map<string, McCronForSync>();
  private seq = 0;
  constructor(private ctx: SyncContext) {}

  put(r: McCronForSync) {
    this.records.set(r.id, structuredClone(r));
  }

  list(): McCronForSync[] {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  /** Apply a plan the way the wiring does: gateway writes first get the job back and record its fingerprint. */
  apply(actions: readonly SyncAction[], gw: FakeGateway) {
    for (const a of actions) {
      switch (a.type) {
        case 'add_to_gateway': {
          const job = gw.add(a.params);
          this.settle(a.cronId, job, a.syncFingerprint);
          break;
        }
        case 'update_gateway': {
          const job = gw.update(a.jobId, a.patch);
          this.settle(a.cronId, job, a.syncFingerprint);
          break;
        }
        case 'remove_from_gateway':
          gw.remove(a.jobId);
          break;
        case 'import_to_mc': {
          const id = `crn_imp${++this.seq}`;
          this.records.set(id, {
            ...recordFieldsOf(a.fields),
            id,
            owner: 'gateway',
            gatewayJobId: a.jobId,
            syncState: 'ok',
            syncFingerprint: a.syncFingerprint,
            gatewayFingerprint: a.gatewayFingerprint,
          });
          break;
        }
        case 'update_mc': {
          const r = this.records.get(a.cronId)!;
          this.records.set(a.cronId, { ...r, ...recordFieldsOf(a.fields), gatewayJobId: a.jobId, syncState: 'ok', syncFingerprint: a.syncFingerprint, gatewayFingerprint: a.gatewayFingerprint, resolveConflict: null });
          break;
        }
        case 'remove_from_mc':
          this.records.delete(a.cronId);
          break;
        case 'mark_synced': {
          const r = this.records.get(a.cronId)!;
          this.records.set(a.cronId, { ...r, gatewayJobId: a.jobId, syncState: 'ok', syncFingerprint: a.syncFingerprint, gatewayFingerprint: a.gatewayFingerprint, resolveConflict: null });
          break;
        }
        case 'report_conflict': {
          const r = this.records.get(a.cronId)!;
          this.records.set(a.cronId, { ...r, syncState: 'conflict' });
          break;
        }
      }
    }
  }

  private settle(cronId: string, job: OpenClawJob, syncFingerprint: string) {
    const r = this.records.get(cronId)!;
    this.records.set(cronId, { ...r, gatewayJobId: job.id, syncState: 'ok', syncFingerprint, gatewayFingerprint: jobView(this.ctx, job, r.owner).fingerprint, resolveConflict: null });
  }
}
