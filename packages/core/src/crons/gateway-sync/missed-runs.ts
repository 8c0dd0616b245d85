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
//   a manual run is out of band (the gateway keeps the pending slot), so a start well before a slot is passed over;
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
  /** First check: slots after this are judged (when the job was linked, or when checking began). */
  since: Date;
  /**
   * Later checks: the previous report's `resumeAt` (stored in `crons.missed_resume_at`). The next slot to judge
   * is exactly this one, so every check continues the same slots, however the checks are spaced.
   */
  resumeAt?: Date | null;
  now: Date;
  /** Starts seen (any order; the same start from an event and a run entry is counted once). */
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
  /** `cronRunId(cron, slot, agent)`: the id the run is recorded under (missed, or the gateway's run of it). */
  runId: string;
}

export interface MissedRunReport {
  /** Every slot judged, in order. */
  slots: JudgedSlot[];
  missed: JudgedSlot[];
  /** The last slot judged (or where the check began). */
  checkedUntil: Date;
  /** The next slot to judge: pass it as `resumeAt` next time; null when none is left (a one-shot job). */
  resumeAt: Date | null;
  /** More slots were due to be judged than `maxSlots`: check again (from `resumeAt`) right away. */
  truncated: boolean;
}

const H3 = 3 * 3_600_000;

/**
 * Judge the slots of one gateway job up to `now - grace`. Each slot owns a window of time — from `earlyMs` before it
 * (widened by a DST jump forward just before it) to the grace after it (widened by a jump back just after it), never
 * reaching into the next slot's window — and it ran when a start falls in its window. So a start counts for one slot,
 * and the answer for a slot never depends on when or how often the checks ran.
 */
export function detectMissedRuns(input: MissedRunInput): MissedRunReport {
  const grace = input.graceMs ?? MISSED_RUN_RULES.graceMs;
  const early = input.earlyMs ?? MISSED_RUN_RULES.earlyMs;
  const max = input.maxSlots ?? MISSED_RUN_RULES.maxSlotsPerCheck;
  const now = input.now.getTime();
  const since = input.since.getTime();
  const resume = input.resumeAt ? input.resumeAt.getTime() : null;
  const ignore = input.ignoreRunIds ?? new Set<string>();
  const starts = [...new Set(input.starts.filter((s) => Number.isFinite(s.atMs) && !(s.runId && ignore.has(s.runId))).map((s) => s.atMs))].sort((a, b) => a - b);
  /** The first start in [from, to), or null. */
  const startIn = (from: number, to: number): number | null => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo] < to ? starts[lo] : null;
  };
  const slots: JudgedSlot[] = [];
  const judge = (slot: number, startedAt: number | null) =>
    slots.push({ slot: new Date(slot), status: startedAt === null ? 'missed' : 'ran', startedAt: startedAt === null ? null : new Date(startedAt), runId: cronRunId(input.cronId, new Date(slot), input.agentId) });
  let checkedUntil = resume ?? since;
  let truncated = false;
  let resumeAt: number | null = null;
  const s = input.schedule;

  if (s.kind === 'at') {
    const first = resume ?? since + 1;
    resumeAt = s.atMs >= first ? s.atMs : null;
    if (resumeAt !== null && s.atMs + grace <= now) {
      judge(s.atMs, startIn(s.atMs - early, s.atMs + grace + 1));
      checkedUntil = s.atMs;
      resumeAt = null;
    }
  } else if (s.kind === 'cron') {
    const tz = s.timezone;
    const after = (t: number) => nextSlotAfter(s.parsed, tz, new Date(t))?.getTime() ?? null;
    const windowOf = (slot: number, next: number | null) => {
      const at = slot + s.offsetMs;
      const gap = next === null ? Infinity : next - slot;
      // Around a DST change the gateway's cron library may place a slot of a daily-ish job differently (a wall time in
      // the gap, or the repeated hour's second pass): widen its window by the shift. Frequent jobs keep the plain one.
      const wide = gap >= 2 * 3_600_000;
      const forward = wide ? Math.max(0, tzOffset(tz, slot) - tzOffset(tz, slot - H3)) : 0;
      const back = wide ? Math.max(0, tzOffset(tz, slot) - tzOffset(tz, slot + H3)) : 0;
      return { at, from: at - Math.min(early, gap / 4) - forward, to: at + grace + back + 1 };
    };
    let slot: number | null = resume ?? after(since);
    let next = slot === null ? null : after(slot);
    while (slot !== null) {
      const following = next === null ? null : after(next);
      const w = windowOf(slot, next);
      // Windows never overlap: this one ends where the next one begins.
      const to = next === null ? w.to : Math.max(Math.min(w.to, windowOf(next, following).from), w.at + 1);
      if (to - 1 > now) break;
      if (slots.length >= max) {
        truncated = true;
        break;
      }
      judge(slot, startIn(w.from, to));
      checkedUntil = slot;
      slot = next;
      next = following;
    }
    resumeAt = slot;
  } else {
    const every = s.everyMs;
    const gridAfter = (t: number) => s.anchorMs + (Math.floor((t - s.anchorMs) / every) + 1) * every;
    let expected: number;
    if (resume !== null) expected = resume;
    else {
      // First check: the latest start at or before `since` sets the first expected slot, as it set the gateway's.
      const before = starts.filter((t) => t <= since && t >= s.anchorMs);
      const seed = before.length ? before[before.length - 1] : null;
      expected = seed !== null ? seed + every : since < s.anchorMs ? s.anchorMs : gridAfter(since);
      while (expected <= since) expected = gridAfter(expected);
    }
    // A slot's window opens a little before it (never back to the previous slot's start) and closes a grace after.
    // A start before it is a manual run, out of band: the gateway keeps the pending slot.
    const earlyEvery = Math.min(early, every / 4);
    for (;;) {
      if (expected + grace > now) break;
      if (slots.length >= max) {
        truncated = true;
        break;
      }
      const t = startIn(Math.max(expected - earlyEvery, expected - every + 1), expected + grace + 1);
      judge(expected, t);
      checkedUntil = expected;
      expected = t !== null ? t + every : gridAfter(expected);
    }
    resumeAt = expected;
  }
  return { slots, missed: slots.filter((x) => x.status === 'missed'), checkedUntil: new Date(checkedUntil), resumeAt: resumeAt === null ? null : new Date(resumeAt), truncated };
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
