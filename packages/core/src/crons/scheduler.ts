// The durable, exactly-once cron scheduler (issue 14). Due work comes from the database, never from in-memory
// timers: a cron's next unfired slot is `crons.next_due_at` (partial index crons_due_idx), a run waiting to start
// (or to be retried) is a pending row with `due_at` (cron_runs_due_idx), a running attempt has a `deadline_at`
// (cron_runs_deadline_idx). A pass:
//
// 1. fires due crons set-based: one statement claims a batch of them (FOR UPDATE SKIP LOCKED through crons_due_idx),
//    one inserts a run per target for the slot to fire (and the missed ones), with the id derived from (cron, slot,
//    target) and ON CONFLICT DO NOTHING, one advances each cron's next_due_at (computed here with the cron's schedule
//    and passed as arrays). Two processes on one PostgreSQL never fire a slot twice (the row lock, and the derived id
//    behind it); a restart never loses one (next_due_at moves only with the runs' insert, in one transaction);
// 2. starts the runs that are due (each its own short transaction, cron-run-lifecycle.ts `startRun`);
// 3. fails the attempts whose deadline passed (they are retried by their policy).
//
// Between passes the scheduler sleeps until the earliest of the three indexed times (one statement), and is woken
// early by the crons signal (cron-signal.ts: pg_notify on `mc_crons`, LISTENed by every process), so an idle instance
// costs one indexed look per wake-up — never a scan of every cron.
import { queryRaw } from '@mc/db';
import { inTransaction, type Ctx } from '../context';
import { emitEvent } from '../events/emit-event';
import { ID_PREFIX, newId } from '../shared/ids';
import { startRun, endAttempt, type CronRunOptions } from './cron-run-lifecycle';
import {
  CRON_RUN_REASONS,
  FIRE_BATCH,
  MAX_SLEEP_MS,
  START_BATCH,
  START_CONCURRENCY,
  WAKE_DEBOUNCE_MS,
  missedSummary,
  planSlots,
  type CatchUp,
  type Concurrency,
  type SlotPlan,
} from './cron-runs.rules';
import { storedSchedule } from './cron-dto';
import { cronRunId, nextSlotAfter } from './schedule';

/** A PostgreSQL array literal of texts (NULL for null), passed as one parameter and cast (`:p::text[]`). */
export function pgTextArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

interface DueCron {
  id: string;
  name: string;
  schedule: string;
  timezone: string;
  next_due_at: Date | string;
  catch_up: string;
  concurrency: string;
}

const CLAIM_DUE_CRONS = `
  SELECT id, name, schedule, timezone, next_due_at, catch_up, concurrency FROM crons
  WHERE enabled AND next_due_at IS NOT NULL AND gateway_id IS NULL AND next_due_at <= $1::timestamptz
  ORDER BY next_due_at, id LIMIT $2::int
  FOR UPDATE SKIP LOCKED`;

const TARGETS_OF = `SELECT cron_id, workspace_id, agent_id FROM cron_targets WHERE cron_id = ANY($1::text[]) ORDER BY cron_id, position, agent_id`;

/**
 * One row per (cron, slot, target) to record. `kind` says what the slot is: `fire` (a pending run, unless the
 * target's previous run still goes: concurrency decides), or `missed`. Skipped and missed runs get their activity
 * entry in the same statement. Returns the runs inserted (a conflict — the slot already fired — returns nothing).
 */
const INSERT_RUNS = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
      AS i(id, cron_id, workspace_id, agent_id, slot, trigger, kind, concurrency, output, activity_id, cron_name)
  ),
  decided AS (
    SELECT i.*,
      CASE
        WHEN i.kind = 'missed' THEN 'missed'
        WHEN i.concurrency = 'allow' THEN 'pending'
        WHEN NOT EXISTS (SELECT 1 FROM cron_runs r WHERE r.cron_id = i.cron_id AND r.agent_id = i.agent_id AND r.status IN ('pending', 'running')) THEN 'pending'
        WHEN i.concurrency = 'queue_one'
          AND NOT EXISTS (SELECT 1 FROM cron_runs r WHERE r.cron_id = i.cron_id AND r.agent_id = i.agent_id AND r.status IN ('pending', 'running') AND r.status = 'pending' AND r.due_at IS NULL) THEN 'queued'
        ELSE 'skipped'
      END AS decision
    FROM input i
  ),
  ins AS (
    INSERT INTO cron_runs (id, cron_id, workspace_id, agent_id, slot, trigger, status, reason, due_at, ended_at, output, created_at, updated_at)
    SELECT id, cron_id, workspace_id, agent_id, slot, trigger,
      CASE decision WHEN 'queued' THEN 'pending' ELSE decision END,
      CASE decision WHEN 'missed' THEN '${CRON_RUN_REASONS.DOWNTIME}' WHEN 'skipped' THEN '${CRON_RUN_REASONS.PREVIOUS_RUN_ACTIVE}' END,
      CASE decision WHEN 'pending' THEN $12::timestamptz END,
      CASE WHEN decision IN ('missed', 'skipped') THEN $12::timestamptz END,
      output, $12::timestamptz, $12::timestamptz
    FROM decided
    ON CONFLICT DO NOTHING
    RETURNING id, cron_id, workspace_id, agent_id, slot, trigger, status, reason, due_at
  ),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, created_at)
    SELECT d.activity_id, ins.workspace_id, 'system', NULL, left('cron ' || d.cron_name, 120), 'cron_run.' || ins.status, 'cron_run', ins.id,
      'run of cron ' || d.cron_name || ' for slot ' || to_char(ins.slot AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ' ' || ins.status
        || ' (' || ins.reason || ')' || coalesce(': ' || d.output, ''),
      jsonb_build_object('cronId', ins.cron_id, 'agentId', ins.agent_id, 'slot', ins.slot, 'reason', ins.reason, 'trigger', ins.trigger),
      ins.status, $12::timestamptz
    FROM ins JOIN decided d ON d.id = ins.id
    WHERE ins.status IN ('missed', 'skipped')
  )
  SELECT id, cron_id, workspace_id, agent_id, slot, trigger, status, reason FROM ins`;

const ADVANCE_CRONS = `
  UPDATE crons c SET next_due_at = u.next_due_at, last_slot_at = u.last_slot_at
  FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS u(id, next_due_at, last_slot_at)
  WHERE c.id = u.id`;

export interface FireResult {
  /** Crons claimed (due) in this batch. */
  crons: number;
  /** Runs inserted pending (to start), skipped (previous run still going), queued, and missed. */
  pending: number;
  skipped: number;
  missed: number;
}

/**
 * Fire one batch of due crons in one transaction of four statements (claim, targets, runs, advance), whatever the
 * batch size. Returns what it did; a full batch (`crons === batch`) means more may be due.
 */
export async function fireDueCrons(ctx: Ctx, batch = FIRE_BATCH): Promise<FireResult> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const due = await queryRaw<DueCron>(tx.db, 'mc_crons_claim_due', CLAIM_DUE_CRONS, [now.toISOString(), batch]);
    if (due.length === 0) return { crons: 0, pending: 0, skipped: 0, missed: 0 };
    const targets = await queryRaw<{ cron_id: string; workspace_id: string; agent_id: string }>(tx.db, 'mc_crons_targets_of', TARGETS_OF, [pgTextArray(due.map((c) => c.id))]);
    const byCron = new Map<string, { workspace_id: string; agent_id: string }[]>();
    for (const t of targets) (byCron.get(t.cron_id) ?? byCron.set(t.cron_id, []).get(t.cron_id)!).push(t);

    const rows = { id: [] as string[], cron: [] as string[], ws: [] as string[], agent: [] as string[], slot: [] as string[], trigger: [] as string[], kind: [] as string[], conc: [] as string[], output: [] as (string | null)[], act: [] as string[], name: [] as string[] };
    const advance = { id: [] as string[], next: [] as (string | null)[], last: [] as (string | null)[] };
    const add = (c: DueCron, slot: Date, trigger: string, kind: 'fire' | 'missed', output: string | null) => {
      for (const t of byCron.get(c.id) ?? []) {
        rows.id.push(cronRunId(c.id, slot, t.agent_id));
        rows.cron.push(c.id);
        rows.ws.push(t.workspace_id);
        rows.agent.push(t.agent_id);
        rows.slot.push(slot.toISOString());
        rows.trigger.push(trigger);
        rows.kind.push(kind);
        rows.conc.push(c.concurrency);
        rows.output.push(output);
        rows.act.push(newId(ID_PREFIX.activity, now.getTime()));
        rows.name.push(c.name);
      }
    };
    for (const c of due) {
      const parsed = storedSchedule(c.schedule);
      const nextDueAt = new Date(c.next_due_at);
      if (!parsed) {
        // A schedule that no longer parses cannot be fired; stop it rather than claim it on every pass.
        advance.id.push(c.id);
        advance.next.push(null);
        advance.last.push(null);
        continue;
      }
      const plan: SlotPlan = planSlots({ nextDueAt, now, catchUp: (c.catch_up as CatchUp) ?? 'once', next: (after) => nextSlotAfter(parsed, c.timezone, after) });
      const summary = missedSummary(plan);
      plan.missed.forEach((slot, i) => add(c, slot, 'schedule', 'missed', i === 0 ? summary : null));
      if (plan.fire) add(c, plan.fire.slot, plan.fire.trigger, 'fire', null);
      advance.id.push(c.id);
      advance.next.push(plan.nextDueAt ? plan.nextDueAt.toISOString() : null);
      advance.last.push(plan.lastSlotAt.toISOString());
    }
    let inserted: { id: string; cron_id: string; workspace_id: string; agent_id: string; slot: Date | string; trigger: string; status: string; reason: string | null }[] = [];
    if (rows.id.length) {
      inserted = await queryRaw(tx.db, 'mc_crons_insert_runs', INSERT_RUNS, [
        pgTextArray(rows.id),
        pgTextArray(rows.cron),
        pgTextArray(rows.ws),
        pgTextArray(rows.agent),
        pgTextArray(rows.slot),
        pgTextArray(rows.trigger),
        pgTextArray(rows.kind),
        pgTextArray(rows.conc as Concurrency[]),
        pgTextArray(rows.output),
        pgTextArray(rows.act),
        pgTextArray(rows.name),
        now.toISOString(),
      ]);
    }
    await queryRaw(tx.db, 'mc_crons_advance', ADVANCE_CRONS, [pgTextArray(advance.id), pgTextArray(advance.next), pgTextArray(advance.last)]);
    // A slot skipped because the target's previous run still goes is a run that ended: its event goes to the target's
    // workspace like every other (rare: only while runs overlap). Missed slots are recorded, not announced one by one.
    const names = new Map(due.map((c) => [c.id, c.name]));
    for (const r of inserted) {
      if (r.status !== 'skipped') continue;
      const sys: Ctx = { ...tx, principal: { kind: 'system', name: `cron ${names.get(r.cron_id)}`.slice(0, 120) } };
      await emitEvent(
        sys,
        'cron_run.finished',
        r.workspace_id,
        {
          run: { id: r.id, cronId: r.cron_id, cronName: names.get(r.cron_id) ?? '', agentId: r.agent_id, slot: new Date(r.slot).toISOString(), trigger: r.trigger, attempt: 1, status: 'skipped', reason: r.reason, ticketIds: [] },
          durationMs: null,
          cronPaused: false,
        },
        { agentId: r.agent_id, status: 'skipped' },
      );
    }
    const count = (s: string) => inserted.filter((r) => r.status === s).length;
    return { crons: due.length, pending: count('pending'), skipped: count('skipped'), missed: count('missed') };
  });
}

const DUE_RUNS = `SELECT id FROM cron_runs WHERE status = 'pending' AND due_at <= $1::timestamptz ORDER BY due_at, id LIMIT $2::int`;
const OVERDUE_RUNS = `SELECT id FROM cron_runs WHERE status = 'running' AND deadline_at <= $1::timestamptz ORDER BY deadline_at LIMIT $2::int`;

/** Run `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/** Start the runs that are due (new slots, manual runs, retries whose backoff passed, queued slots). */
export async function startDueRuns(ctx: Ctx, opts: CronRunOptions = {}, batch = START_BATCH): Promise<{ due: number; started: number; skipped: number; failed: number }> {
  const ids = await queryRaw<{ id: string }>(ctx.db, 'mc_crons_due_runs', DUE_RUNS, [ctx.clock.now().toISOString(), batch]);
  const out = { due: ids.length, started: 0, skipped: 0, failed: 0 };
  await eachLimited(ids, START_CONCURRENCY, async ({ id }) => {
    const r = await startRun(ctx, id, opts);
    if (r !== 'gone') out[r]++;
  });
  return out;
}

/** Fail the attempts whose deadline passed with no outcome (retried by their cron's policy). */
export async function failOverdueRuns(ctx: Ctx, opts: CronRunOptions = {}, batch = START_BATCH): Promise<number> {
  const ids = await queryRaw<{ id: string }>(ctx.db, 'mc_crons_overdue_runs', OVERDUE_RUNS, [ctx.clock.now().toISOString(), batch]);
  let n = 0;
  for (const { id } of ids) {
    const ended = await endAttempt(ctx, id, { status: 'failed', reason: CRON_RUN_REASONS.DEADLINE, error: 'the attempt reached its deadline without an outcome' }, { deadlinePassed: true }, opts);
    if (ended) n++;
  }
  return n;
}

const NEXT_WAKE = `
  SELECT LEAST(
    (SELECT next_due_at FROM crons WHERE enabled AND next_due_at IS NOT NULL AND gateway_id IS NULL ORDER BY next_due_at LIMIT 1),
    (SELECT due_at FROM cron_runs WHERE status = 'pending' AND due_at IS NOT NULL ORDER BY due_at LIMIT 1),
    (SELECT deadline_at FROM cron_runs WHERE status = 'running' AND deadline_at IS NOT NULL ORDER BY deadline_at LIMIT 1)
  ) AS at`;

/** When the scheduler has something to do next (a cron's slot, a run's start or retry, an attempt's deadline), or null. */
export async function nextSchedulerWake(ctx: Ctx): Promise<Date | null> {
  const [r] = await queryRaw<{ at: Date | string | null }>(ctx.db, 'mc_crons_next_wake', NEXT_WAKE, []);
  return r?.at ? new Date(r.at) : null;
}

export interface PassResult {
  fired: FireResult;
  started: number;
  skipped: number;
  failedToStart: number;
  overdue: number;
  /** When the next pass is needed (null: nothing scheduled). */
  nextWakeAt: Date | null;
}

/**
 * One full pass: fire every due cron (batch after batch while batches come back full), start every due run, fail
 * every overdue attempt, then read when the next pass is needed. Tests drive the scheduler with this and a
 * controllable clock; the runner (CronScheduler) calls it on its timer and wake-ups.
 */
export async function runSchedulerPass(ctx: Ctx, opts: CronRunOptions = {}): Promise<PassResult> {
  const fired: FireResult = { crons: 0, pending: 0, skipped: 0, missed: 0 };
  for (;;) {
    const f = await fireDueCrons(ctx);
    fired.crons += f.crons;
    fired.pending += f.pending;
    fired.skipped += f.skipped;
    fired.missed += f.missed;
    if (f.crons < FIRE_BATCH) break;
  }
  let started = 0;
  let skipped = 0;
  let failedToStart = 0;
  let overdue = 0;
  for (;;) {
    overdue += await failOverdueRuns(ctx, opts);
    const s = await startDueRuns(ctx, opts);
    started += s.started;
    skipped += s.skipped;
    failedToStart += s.failed;
    if (s.due < START_BATCH) break;
  }
  return { fired, started, skipped, failedToStart, overdue, nextWakeAt: await nextSchedulerWake(ctx) };
}

export interface CronSchedulerOptions extends CronRunOptions {
  /** The longest sleep between passes (MAX_SLEEP_MS). */
  maxSleepMs?: number;
  onError?: (err: unknown) => void;
  /** After each pass that did not fail (so that a failure log can say it recovered). */
  onPassDone?: (r: PassResult) => void;
}

/**
 * The scheduler of one process: a pass, then sleep until the next due time (at most `maxSleepMs`), woken early by
 * `wake()` (the composition root calls it on the crons signal of any process, and when the LISTEN connection comes
 * back after an outage). Nothing here is needed for correctness — every decision is a row, claimed with SKIP LOCKED —
 * so any number of processes may run one, and a killed one loses nothing.
 */
export class CronScheduler {
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private failures = 0;

  constructor(
    private readonly ctx: Ctx,
    private readonly opts: CronSchedulerOptions = {},
  ) {}

  start() {
    this.stopped = false;
    this.look();
  }

  /** Something changed (a cron, a run): look again soon (coalesced over WAKE_DEBOUNCE_MS). */
  wake() {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.look();
    }, WAKE_DEBOUNCE_MS);
    this.debounce.unref?.();
  }

  private look() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = runSchedulerPass(this.ctx, this.opts)
      .then((r) => {
        this.failures = 0;
        this.opts.onPassDone?.(r);
        return r.nextWakeAt ? r.nextWakeAt.getTime() - this.ctx.clock.now().getTime() : Infinity;
      })
      .catch((err) => {
        (this.opts.onError ?? ((e) => console.error('[crons] scheduler pass failed:', (e as Error).message)))(err);
        // The database may be away: try again with backoff (0.5 s doubling to 5 s).
        return Math.min(5000, 500 * 2 ** this.failures++);
      })
      .then((delay) => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.look();
          return;
        }
        this.timer = setTimeout(() => this.look(), Math.max(0, Math.min(delay, this.opts.maxSleepMs ?? MAX_SLEEP_MS)));
        this.timer.unref?.();
      });
  }

  /** Stop looking; waits for the pass in progress. */
  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    this.debounce = undefined;
    await this.running;
  }
}
