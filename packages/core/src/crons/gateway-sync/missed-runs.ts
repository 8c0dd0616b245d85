// Missed-run repair for gateway-fired jobs (issue 15 point 7, ADR 0020). OpenClaw's scheduler drops scheduled runs
// (openclaw issue 139215); Mission Control knows each job's schedule, so it judges every slot once it is older than a
// grace: a slot with a start (a `cron` `started` event's `runAtMs`, or a `cron.runs` entry's `runAtMs`) near it ran,
// one without was missed — recorded as a `missed` run whose id is the scheduler's `cronRunId(cron, slot, agent)`, so
// judging the same slot twice records it once. Slots are the gateway's, computed the way it computes them:
// - cron: the expression in its zone (Mission Control's rules, schedule.ts), shifted by the job's stagger offset —
//   SHA-256(job id), first 4 bytes big-endian, modulo `staggerMs` (0 for Mission Control's own jobs, which are exact);
// - every: after a run the gateway's next slot is that run's start + interval; when none is pending (a dropped run, a
//   gateway that was down) it is the next point of its grid `anchorMs + k·interval` (anchor 0 for Mission Control's
//   own jobs: the same epoch grid as `@every` here). So slots follow the starts seen, and the grid after a miss;
// - at: the one instant.
// Pure: the caller passes the starts it saw and the time.
import { createHash } from 'node:crypto';
import { CRON_RUN_REASONS, MISFIRE_GRACE_MS } from '../cron-runs.rules';
import { cronRunId, nextSlotAfter, parseSchedule, tzOffset, type ParsedSchedule } from '../schedule';
import type { OpenClawJob } from './openclaw-job';

export const MISSED_RUN_POLICIES = ['record', 'force_run'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];

export const MISSED_RUN_RULES = {
  /** A slot is judged once this long has passed without a start (the gateway's timer wakes at least once a minute). */
  graceMs: 2 * MISFIRE_GRACE_MS,
  /** A start this much before its slot still counts (clocks of two hosts). */
  earlyMs: 60_000,
  /** Slots judged in one check at most (an every-minute job after a month away is 43,200 slots). */
  maxSlotsPerCheck: 1_000,
  /** Missed slots recorded from one check at most: the latest ones (the decision says how many were missed in all). */
  recordLimit: 50,
  /** `force_run` runs the latest missed slot only, and only while it is this recent: a stale run helps nobody. */
  forceRunWithinMs: 15 * 60_000,
  /** The workspace admins are told when a streak of missed slots begins, not for every slot of it. */
  notify: 'once_per_streak',
  /** The reason recorded on such runs. */
  reason: CRON_RUN_REASONS.GATEWAY_MISSED,
} as const;

export type SlotSchedule =
  | { kind: 'cron'; parsed: ParsedSchedule; timezone: string; offsetMs: number }
  | { kind: 'every'; everyMs: number; anchorMs: number }
  | { kind: 'at'; atMs: number };

/** The stagger offset the gateway applies to a job: SHA-256(job id) read as uint32 (big-endian) modulo the window. */
export function staggerOffsetMs(jobId: string, staggerMs: number): number {
  if (!(staggerMs > 1)) return 0;
  return createHash('sha256').update(jobId).digest().readUInt32BE(0) % Math.floor(staggerMs);
}

/**
 * The slots of a gateway job as the gateway fires them, or null when they cannot be known (event-driven kinds, a cron
 * expression Mission Control does not read, a cron without a zone: it runs in the gateway host's).
 */
export function slotScheduleOf(job: Pick<OpenClawJob, 'id' | 'schedule' | 'createdAtMs'>): SlotSchedule | null {
  const s = job.schedule ?? {};
  if (s.kind === 'cron') {
    if (typeof s.expr !== 'string' || typeof s.tz !== 'string' || !s.tz) return null;
    try {
      const parsed = parseSchedule(s.expr);
      if (parsed.kind !== 'cron') return null;
      new Intl.DateTimeFormat('en-US', { timeZone: s.tz });
      return { kind: 'cron', parsed, timezone: s.tz, offsetMs: staggerOffsetMs(job.id, typeof s.staggerMs === 'number' ? s.staggerMs : 0) };
    } catch {
      return null;
    }
  }
  if (s.kind === 'every') {
    if (typeof s.everyMs !== 'number' || !(s.everyMs >= 1)) return null;
    const anchor = typeof s.anchorMs === 'number' && s.anchorMs >= 0 ? s.anchorMs : typeof job.createdAtMs === 'number' ? job.createdAtMs : 0;
    return { kind: 'every', everyMs: Math.floor(s.everyMs), anchorMs: Math.floor(anchor) };
  }
  if (s.kind === 'at') {
    const ms = typeof s.at === 'string' ? Date.parse(s.at) : Number.NaN;
    return Number.isFinite(ms) ? { kind: 'at', atMs: ms } : null;
  }
  return null;
}

export interface RunStart {
  /** When the run started (`runAtMs` of the started event or run entry). */
  atMs: number;
  runId?: string;
}

/**
 * A start from what the gateway reports: a `cron` event `{action: "started", runAtMs}` or a `cron.runs` entry
 * (`runAtMs`, else its end `ts` minus `durationMs`). Null when it carries no usable time.
 */
export function runStartOf(e: { action?: unknown; runAtMs?: unknown; ts?: unknown; durationMs?: unknown; runId?: unknown }): RunStart | null {
  const runId = typeof e.runId === 'string' && e.runId ? e.runId : undefined;
  if (typeof e.runAtMs === 'number' && Number.isFinite(e.runAtMs) && e.runAtMs > 0) return { atMs: e.runAtMs, ...(runId ? { runId } : {}) };
  if (e.action === 'started') return null;
  if (typeof e.ts === 'number' && Number.isFinite(e.ts) && typeof e.durationMs === 'number' && Number.isFinite(e.durationMs) && e.durationMs >= 0)
    return { atMs: e.ts - e.durationMs, ...(runId ? { runId } : {}) };
  return null;
}

export interface MissedRunInput {
  cronId: string;
  /** The Mission Control agent the cron targets (part of the run id). */
  agentId: string;
  schedule: SlotSchedule;
  /** Slots after this are judged (the previous check's `checkedUntil`, or when the job was linked). */
  since: Date;
  now: Date;
  /** Starts seen (any order; duplicates from events and run entries are fine). */
  starts: readonly RunStart[];
  /** Runs Mission Control forced itself (missed-slot repair): they do not count as a slot's start. */
  ignoreRunIds?: ReadonlySet<string>;
  graceMs?: number;
  earlyMs?: number;
  maxSlots?: number;
}

export interface JudgedSlot {
  slot: Date;
  status: 'ran' | 'missed';
  startedAt: Date | null;
  /** `cronRunId(cron, slot, agent)`: the id a missed run is recorded under. */
  runId: string;
}

export interface MissedRunReport {
  /** Every slot judged, in order. */
  slots: JudgedSlot[];
  missed: JudgedSlot[];
  /** Pass as `since` next time: slots up to here are judged. */
  checkedUntil: Date;
  /** More slots were due to be judged than `maxSlots`: check again from `checkedUntil`. */
  truncated: boolean;
}

const H3 = 3 * 3_600_000;

/** Judge the slots of one gateway job between `since` and `now - grace`. */
export function detectMissedRuns(input: MissedRunInput): MissedRunReport {
  const grace = input.graceMs ?? MISSED_RUN_RULES.graceMs;
  const early = input.earlyMs ?? MISSED_RUN_RULES.earlyMs;
  const max = input.maxSlots ?? MISSED_RUN_RULES.maxSlotsPerCheck;
  const now = input.now.getTime();
  const since = input.since.getTime();
  const ignore = input.ignoreRunIds ?? new Set<string>();
  const starts = [...new Set(input.starts.filter((s) => Number.isFinite(s.atMs) && !(s.runId && ignore.has(s.runId))).map((s) => s.atMs))].sort((a, b) => a - b);
  const slots: JudgedSlot[] = [];
  const judge = (slot: number, startedAt: number | null) =>
    slots.push({ slot: new Date(slot), status: startedAt === null ? 'missed' : 'ran', startedAt: startedAt === null ? null : new Date(startedAt), runId: cronRunId(input.cronId, new Date(slot), input.agentId) });
  let i = 0; // next unconsumed start
  let checkedUntil = since;
  let truncated = false;
  const s = input.schedule;

  if (s.kind === 'at') {
    if (s.atMs > since && s.atMs + grace <= now) {
      const hit = starts.find((t) => t >= s.atMs - early && t <= s.atMs + grace);
      judge(s.atMs, hit ?? null);
      checkedUntil = s.atMs;
    }
  } else if (s.kind === 'cron') {
    let cursor = new Date(since);
    for (;;) {
      const next = nextSlotAfter(s.parsed, s.timezone, cursor);
      if (!next) break;
      const slot = next.getTime();
      const at = slot + s.offsetMs;
      // Around a DST change the gateway's cron library may place a slot differently: widen the window by the shift.
      const forward = Math.max(0, tzOffset(s.timezone, slot) - tzOffset(s.timezone, slot - H3));
      const back = Math.max(0, tzOffset(s.timezone, slot) - tzOffset(s.timezone, slot + H3));
      const late = grace + back;
      if (at + late > now) break;
      if (slots.length >= max) {
        truncated = true;
        break;
      }
      while (i < starts.length && starts[i] < at - early - forward) i++;
      if (i < starts.length && starts[i] <= at + late) judge(slot, starts[i++]);
      else judge(slot, null);
      checkedUntil = slot;
      cursor = next;
    }
  } else {
    const every = s.everyMs;
    const gridAfter = (t: number) => s.anchorMs + (Math.floor((t - s.anchorMs) / every) + 1) * every;
    // The chain: the latest start at or before `since` sets the first expected slot, as it set the gateway's.
    while (i < starts.length && starts[i] <= since) i++;
    const seed = i > 0 && starts[i - 1] >= s.anchorMs ? starts[i - 1] : null;
    let expected = seed !== null ? seed + every : since < s.anchorMs ? s.anchorMs : gridAfter(since);
    while (expected <= since) expected = gridAfter(expected);
    for (;;) {
      if (expected + grace > now) break;
      if (slots.length >= max) {
        truncated = true;
        break;
      }
      const t = i < starts.length ? starts[i] : null;
      if (t !== null && t < expected - early) {
        // A start well before the expected slot (a manual run, or drift): the gateway counts the interval from it.
        i++;
        expected = t + every;
        continue;
      }
      if (t !== null && t <= expected + grace) {
        judge(expected, t);
        i++;
        checkedUntil = expected;
        expected = t + every;
        continue;
      }
      judge(expected, null);
      checkedUntil = expected;
      expected = gridAfter(expected);
    }
  }
  return { slots, missed: slots.filter((x) => x.status === 'missed'), checkedUntil: new Date(checkedUntil), truncated };
}

export interface MissedRunDecision {
  /** Missed slots to record (the latest `recordLimit`), oldest first. */
  record: JudgedSlot[];
  /** How many were missed in this check, recorded or not. */
  missedTotal: number;
  /** The slot to force-run now (`cron.run {id, mode: "force"}`), under `force_run`; null otherwise. */
  forceRun: JudgedSlot | null;
  /** Missed slots in a row after this check (0 once a run started after the last miss). */
  streak: number;
  /** A streak began in this check: notify the workspace admins (once per streak). */
  notify: boolean;
}

/** What to do with a check's result, by the cron's policy and its streak so far (`crons.missed_streak`). */
export function decideMissedRuns(o: { report: MissedRunReport; policy: MissedRunPolicy; previousStreak: number; now: Date; recordLimit?: number; forceRunWithinMs?: number }): MissedRunDecision {
  const limit = o.recordLimit ?? MISSED_RUN_RULES.recordLimit;
  const within = o.forceRunWithinMs ?? MISSED_RUN_RULES.forceRunWithinMs;
  let streak = Math.max(0, o.previousStreak);
  let notify = false;
  for (const s of o.report.slots) {
    if (s.status === 'ran') streak = 0;
    else {
      if (streak === 0) notify = true;
      streak++;
    }
  }
  const missed = o.report.missed;
  const last = o.report.slots[o.report.slots.length - 1];
  const forceRun =
    o.policy === 'force_run' && last && last.status === 'missed' && !o.report.truncated && o.now.getTime() - last.slot.getTime() <= within ? last : null;
  return { record: missed.slice(-limit), missedTotal: missed.length, forceRun, streak, notify };
}
