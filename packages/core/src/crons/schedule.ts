// A cron's schedule: parsing, validation, the next slots and a plain-words description (issue 14, CRON-01).
//
// Three forms, as the user writes them:
// - a 5-field cron expression (minute hour day-of-month month day-of-week), read on the wall clock of the cron's
//   IANA time zone; `L`, `#`, names (MON-FRI, JAN) and the macros @hourly @daily @weekly @monthly @yearly are
//   accepted (parsed by `cron-parser`); seconds fields and hashed values (`H`) are not.
// - `@every <duration>`: an elapsed-time interval such as `15m`, `1h30m`, `2d` (units d h m s, at least 1 minute,
//   at most 366 days). Anchor: the Unix epoch. Slots are the multiples of the interval since 1970-01-01T00:00Z, so
//   `@every 15m` fires at :00, :15, :30, :45 (UTC), every process computes the same slots with nothing stored, an
//   edit of the name or targets never moves them, and DST does not touch them (the time zone is ignored).
// - `@once <ISO-8601 time>`: one slot. With an offset (`Z`, `+02:00`) it is that instant; without one it is a wall
//   time in the cron's time zone.
//
// Daylight-saving time (cron expressions and offset-less @once; tested for Europe/Berlin, America/New_York and
// Australia/Sydney):
// - Gap (clocks go forward): a slot whose wall time does not exist that day fires once, at the same wall time
//   shifted forward by the gap (Berlin `30 2 * * *` on the last Sunday of March fires at 03:30 CEST). If the shifted
//   time is also a slot of the expression (e.g. `30 * * * *` → 03:30), it fires once.
// - Repeat (clocks go back): a wall time that occurs twice fires once, at its first occurrence (the daylight-time
//   one). This holds for every expression, so `*/15 * * * *` does not fire during the repeated hour's second pass;
//   use `@every 15m` for a strict elapsed-time interval.
import { createHash } from 'node:crypto';
import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';
import cronstrue from 'cronstrue';
import { validation } from '../errors';

export type ScheduleKind = 'cron' | 'every' | 'once';

export type ParsedSchedule =
  | { kind: 'cron'; source: string; /** 5-field form (macros expanded) */ expression: string; fields: CronFieldCollection; matcher: WallMatcher }
  | { kind: 'every'; source: string; intervalMs: number }
  | {
      kind: 'once';
      source: string;
      /** The instant, when the time carried an offset. */
      instant: number | null;
      /** Otherwise the wall time, as if it were UTC (read in the cron's time zone). */
      wall: number | null;
    };

export const SCHEDULE_MAX_LENGTH = 200;
export const EVERY_MIN_MS = 60_000;
export const EVERY_MAX_MS = 366 * 86_400_000;
/** How many next runs `nextRuns` computes at most. */
export const NEXT_RUNS_MAX = 50;

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

const invalid = (field: string, message: string) =>
  validation([{ field, in: 'body', message, code: 'invalid_schedule' }], `${field}: ${message}`);

/**
 * Parse and validate a schedule as written by the user; throws a 400 VALIDATION_ERROR naming `field`.
 * A cron expression that can never fire (e.g. `0 0 30 2 *`) is refused here.
 */
export function parseSchedule(text: unknown, field = 'schedule'): ParsedSchedule {
  if (typeof text !== 'string') throw invalid(field, 'must be a string');
  const source = text.trim().replace(/\s+/g, ' ');
  if (!source) throw invalid(field, 'must not be empty');
  if (source.length > SCHEDULE_MAX_LENGTH) throw invalid(field, `must be at most ${SCHEDULE_MAX_LENGTH} characters`);
  const lower = source.toLowerCase();
  if (lower.startsWith('@every')) return { kind: 'every', source, intervalMs: parseEvery(source.slice(6).trim(), field) };
  if (lower.startsWith('@once')) return { kind: 'once', source, ...parseOnce(source.slice(5).trim(), field) };
  let expression = source;
  if (source.startsWith('@')) {
    const macro = MACROS[lower];
    if (!macro) throw invalid(field, `unknown macro ${source.split(' ')[0]}; use a 5-field expression, @every <duration> or @once <ISO time>`);
    expression = macro;
  }
  const parts = expression.split(' ');
  if (parts.length !== 5) throw invalid(field, `a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  if (/(?<![a-z])h(?![a-z])/i.test(expression)) throw invalid(field, 'hashed values (H) are not supported');
  let fields: CronFieldCollection;
  try {
    const expr = CronExpressionParser.parse(expression, { currentDate: new Date(0), tz: 'UTC' });
    fields = expr.fields;
    expr.next(); // an expression that never fires throws here
  } catch (err) {
    throw invalid(field, `not a valid cron expression (${cleanMessage(err)})`);
  }
  return { kind: 'cron', source, expression, fields, matcher: wallMatcher(fields) };
}

function cleanMessage(err: unknown): string {
  const m = err instanceof Error && err.message ? err.message : 'unrecognised';
  return m.length > 120 ? `${m.slice(0, 117)}…` : m;
}

function parseEvery(text: string, field: string): number {
  const m = /^((?:\d{1,6}[dhms])+)$/i.exec(text.replace(/ /g, ''));
  if (!text || !m) throw invalid(field, '@every needs a duration such as 15m, 1h30m or 2d (units d, h, m, s)');
  let ms = 0;
  for (const [, n, unit] of m[1].matchAll(/(\d+)([dhms])/gi)) ms += Number(n) * UNIT_MS[unit.toLowerCase()];
  if (ms < EVERY_MIN_MS) throw invalid(field, '@every must be at least 1 minute');
  if (ms > EVERY_MAX_MS) throw invalid(field, '@every must be at most 366 days');
  return ms;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function parseOnce(text: string, field: string): { instant: number | null; wall: number | null } {
  const m = ISO_RE.exec(text);
  if (!m) throw invalid(field, '@once needs an ISO-8601 time such as 2027-01-01T09:00 or 2027-01-01T09:00:00Z');
  const [, y, mo, d, h, mi, s = '0', ms = '0', zone] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms.padEnd(3, '0'));
  const back = new Date(wall);
  if (
    back.getUTCFullYear() !== +y || back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d ||
    +h > 23 || +mi > 59 || +s > 59 || +y < 1970 || +y > 9999
  )
    throw invalid(field, '@once names a date or time that does not exist');
  if (!zone) return { instant: null, wall };
  if (zone.toUpperCase() === 'Z') return { instant: wall, wall: null };
  const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const off = (+zm[2] * 60 + +zm[3]) * 60_000 * (zm[1] === '-' ? -1 : 1);
  if (+zm[2] > 14 || +zm[3] > 59) throw invalid(field, '@once has an offset out of range');
  return { instant: wall - off, wall: null };
}

/** The kind stored in `crons.schedule_kind`. */
export const scheduleKind = (parsed: ParsedSchedule): ScheduleKind => parsed.kind;

// ---- time zones ------------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 1000) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

/**
 * Validate an IANA time zone and return its canonical spelling (`europe/berlin` → `Europe/Berlin`); throws a 400
 * VALIDATION_ERROR naming `field`. Fixed-offset spellings other than UTC are refused: a cron follows a place.
 */
export function validateTimezone(tz: unknown, field = 'timezone'): string {
  const fail = (message: string) => validation([{ field, in: 'body', message, code: 'invalid_timezone' }], `${field}: ${message}`);
  if (typeof tz !== 'string' || !tz.trim()) throw fail('must be an IANA time zone such as Europe/Berlin or UTC');
  const name = tz.trim();
  if (name.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) throw fail(`unknown time zone ${JSON.stringify(name.slice(0, 64))}`);
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw fail(`unknown time zone ${JSON.stringify(name)}`);
  }
  if (/^(Etc\/)?(GMT|UTC)[+-]/i.test(name) || /^[+-]/.test(canonical)) throw fail('use a place (e.g. Europe/Berlin) or UTC, not a fixed offset');
  if (/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal|Greenwich)$/i.test(canonical)) return 'UTC';
  return canonical;
}

const offsetCache = new Map<string, number>();
/** Zone offsets change only on quarter hours (UTC) in every IANA zone, so they are cached per zone and quarter hour … */
const QUARTER = 900_000;
/** … and per zone and UTC day when the offset is the same at both ends of that day (every day but a transition's). */
const DAY = 86_400_000;
const VARIES = Number.NaN;

/** The offset at `t` straight from Intl (ms; positive east of Greenwich). */
function intlOffset(tz: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  // `format` and a regular expression cost a third of `formatToParts` (en-US, h23: "12/7/2026, 21:05:09").
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(formatter(tz).format(new Date(whole)));
  if (!m) {
    const p = formatter(tz).formatToParts(new Date(whole));
    const get = (type: string) => Number(p.find((x) => x.type === type)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - whole;
  }
  return Date.UTC(+m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6]) - whole;
}

function remember(key: string, value: number) {
  if (offsetCache.size >= 200_000) offsetCache.clear();
  offsetCache.set(key, value);
}

/** The zone's offset from UTC at `t` (ms; positive east of Greenwich). */
export function tzOffset(tz: string, t: number): number {
  if (tz === 'UTC') return 0;
  const day = Math.floor(t / DAY);
  const dayKey = `${tz}|d${day}`;
  let whole = offsetCache.get(dayKey);
  if (whole === undefined) {
    const a = intlOffset(tz, day * DAY);
    const b = intlOffset(tz, (day + 1) * DAY - 1000);
    whole = a === b ? a : VARIES;
    remember(dayKey, whole);
  }
  if (!Number.isNaN(whole)) return whole;
  const key = `${tz}|${Math.floor(t / QUARTER)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const offset = intlOffset(tz, Math.floor(t / QUARTER) * QUARTER);
  remember(key, offset);
  return offset;
}

/** The wall time at `t` in `tz`, as if it were UTC. */
const toWall = (tz: string, t: number) => t + tzOffset(tz, t);

const H18 = 18 * 3_600_000;

/**
 * The instant of a wall time in `tz` by the DST rules above: in a repeat, the first occurrence; in a gap, shifted
 * forward by the gap (`shiftedBy` > 0).
 */
export function wallToInstant(tz: string, wall: number): { at: number; shiftedBy: number } {
  if (tz === 'UTC') return { at: wall, shiftedBy: 0 };
  const before = tzOffset(tz, wall - H18);
  const after = tzOffset(tz, wall + H18);
  if (before === after) return { at: wall - before, shiftedBy: 0 };
  const a = wall - before;
  const b = wall - after;
  const aOk = tzOffset(tz, a) === before;
  const bOk = tzOffset(tz, b) === after;
  if (aOk && bOk) return { at: Math.min(a, b), shiftedBy: 0 };
  if (aOk) return { at: a, shiftedBy: 0 };
  if (bOk) return { at: b, shiftedBy: 0 };
  // A gap: read the wall time with the offset in force before it, which lands `after - before` later on the clock.
  return { at: a, shiftedBy: after - before };
}

// ---- next slots ------------------------------------------------------------------------------------------------

/** The first slot strictly after `after` (UTC instant), or null when the schedule fires no more (a past @once). */
export function nextSlotAfter(parsed: ParsedSchedule, timezone: string, after: Date): Date | null {
  const t = after.getTime();
  if (Number.isNaN(t)) return null;
  switch (parsed.kind) {
    case 'every':
      return new Date((Math.floor(t / parsed.intervalMs) + 1) * parsed.intervalMs);
    case 'once': {
      const at = parsed.instant ?? wallToInstant(timezone, parsed.wall!).at;
      return at > t ? new Date(at) : null;
    }
    case 'cron':
      return nextCronSlot(parsed.matcher, timezone, t);
  }
}

const GAP_LOOKBACK = 3 * 3_600_000;

function nextCronSlot(m: WallMatcher, tz: string, t: number): Date | null {
  // Start on the wall clock at `after`; if clocks went forward within the last hours, start earlier by the gap, since
  // a slot inside that gap fires shifted forward, possibly after `after`.
  const offNow = tzOffset(tz, t);
  const offBefore = tz === 'UTC' ? 0 : tzOffset(tz, t - GAP_LOOKBACK);
  let wall = t + offNow - Math.max(0, offNow - offBefore);
  let best: number | null = null;
  let until = Infinity; // wall time up to which a later slot may still land earlier (after a gap-shifted one)
  for (let i = 0; i < 10_000; i++) {
    const next = nextWallMatch(m, wall);
    if (next === null) break;
    wall = next;
    if (best !== null && wall >= until) break;
    const { at, shiftedBy } = wallToInstant(tz, wall);
    if (at <= t) continue;
    if (best === null || at < best) best = at;
    // Later wall times land later, except those within `shiftedBy` after a gap-shifted slot.
    if (shiftedBy === 0) break;
    if (until === Infinity) until = wall + shiftedBy;
  }
  return best === null ? null : new Date(best);
}

// ---- the wall-clock matcher ------------------------------------------------------------------------------------
// cron-parser parses and validates; the search for the next matching wall time is done here on plain UTC arithmetic
// over its parsed fields (cron-parser's own iterator costs ~150 µs a call through Luxon; this, a few µs). The day
// rules are cron-parser's (CronExpression#matchDayOfMonth), and a differential test (schedule.test.ts) holds the two
// to the same answers.

export interface WallMatcher {
  minutes: number[];
  hours: number[];
  months: boolean[];
  dom: boolean[];
  domWildcard: boolean;
  domLast: boolean;
  dow: boolean[];
  dowWildcard: boolean;
  /** Weekdays matched in the last week of the month (`5L`). */
  dowLast: boolean[];
  dowHasLast: boolean;
  /** `#n`: the nth such weekday of the month; 0 for none. */
  nth: number;
}

function wallMatcher(f: CronFieldCollection): WallMatcher {
  const nums = (vals: readonly unknown[]) => vals.filter((v): v is number => typeof v === 'number');
  const flags = (vals: readonly unknown[], size: number) => {
    const out = new Array<boolean>(size).fill(false);
    for (const v of nums(vals)) if (v >= 0 && v < size) out[v] = true;
    return out;
  };
  const dowLast = new Array<boolean>(7).fill(false);
  for (const v of f.dayOfWeek.values) {
    const d = parseInt(String(v).charAt(0), 10);
    if (!Number.isNaN(d)) dowLast[d % 7] = true;
  }
  return {
    minutes: [...nums(f.minute.values)].sort((a, b) => a - b),
    hours: [...nums(f.hour.values)].sort((a, b) => a - b),
    months: flags(f.month.values, 13),
    dom: flags(f.dayOfMonth.values, 32),
    domWildcard: f.dayOfMonth.isWildcard,
    domLast: f.dayOfMonth.hasLastChar,
    dow: flags(f.dayOfWeek.values, 8),
    dowWildcard: f.dayOfWeek.isWildcard,
    dowLast,
    dowHasLast: f.dayOfWeek.hasLastChar,
    nth: f.dayOfWeek.nthDay,
  };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m: 1..12

function dayMatches(m: WallMatcher, y: number, mo: number, d: number, dow: number): boolean {
  const dim = daysIn(y, mo);
  const matchedDom = m.dom[d] || (m.domLast && d === dim);
  const matchedDow = (m.dow[dow] && (m.nth <= 0 || Math.ceil(d / 7) === m.nth)) || (m.dowHasLast && d + 7 > dim && m.dowLast[dow]);
  if (!m.domWildcard && !m.dowWildcard) return matchedDom || matchedDow;
  if (matchedDom && m.dowWildcard) return true;
  return m.domWildcard && !m.dowWildcard && matchedDow;
}

const firstAtLeast = (sorted: number[], v: number) => {
  for (const x of sorted) if (x >= v) return x;
  return -1;
};

/** The first wall time (as if UTC, whole minutes) strictly after `wall` that the expression matches; null if none within 10 years. */
export function nextWallMatch(m: WallMatcher, wall: number): number | null {
  const start = new Date(Math.floor(wall / 60_000) * 60_000 + 60_000);
  let y = start.getUTCFullYear();
  let mo = start.getUTCMonth() + 1;
  let d = start.getUTCDate();
  let h = start.getUTCHours();
  let mi = start.getUTCMinutes();
  for (let i = 0; i < 3700; i++) {
    if (!m.months[mo]) {
      // Skip to the first day of the next month.
      mo += 1;
      if (mo > 12) {
        mo = 1;
        y += 1;
      }
      d = 1;
      h = 0;
      mi = 0;
      continue;
    }
    const dow = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    if (dayMatches(m, y, mo, d, dow)) {
      for (let hh = firstAtLeast(m.hours, h); hh !== -1; hh = firstAtLeast(m.hours, hh + 1)) {
        const mm = firstAtLeast(m.minutes, hh === h ? mi : 0);
        if (mm !== -1) return Date.UTC(y, mo - 1, d, hh, mm);
      }
    }
    d += 1;
    h = 0;
    mi = 0;
    if (d > daysIn(y, mo)) {
      d = 1;
      mo += 1;
      if (mo > 12) {
        mo = 1;
        y += 1;
      }
    }
  }
  return null;
}

/** The next `n` slots after `from` (at most NEXT_RUNS_MAX), in order; fewer when the schedule ends. */
export function nextRuns(parsed: ParsedSchedule, timezone: string, from: Date, n: number): Date[] {
  const out: Date[] = [];
  let cur: Date | null = from;
  const count = Math.max(0, Math.min(NEXT_RUNS_MAX, Math.floor(n)));
  while (out.length < count && cur) {
    cur = nextSlotAfter(parsed, timezone, cur);
    if (cur) out.push(cur);
  }
  return out;
}

// ---- words -----------------------------------------------------------------------------------------------------

function durationWords(ms: number): string {
  const parts: string[] = [];
  for (const [unit, size, word] of [
    ['d', 86_400_000, 'day'],
    ['h', 3_600_000, 'hour'],
    ['m', 60_000, 'minute'],
    ['s', 1000, 'second'],
  ] as const) {
    void unit;
    const q = Math.floor(ms / size);
    ms -= q * size;
    if (q) parts.push(`${q} ${word}${q === 1 ? '' : 's'}`);
  }
  return parts.join(' ');
}

const pad = (n: number) => String(n).padStart(2, '0');
const wallText = (w: number) => {
  const d = new Date(w);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** The schedule in plain words, e.g. "At 09:00, Monday through Friday (Europe/Berlin)" or "Every 1 hour 30 minutes". */
export function describeSchedule(parsed: ParsedSchedule, timezone: string): string {
  switch (parsed.kind) {
    case 'every': {
      const words = durationWords(parsed.intervalMs);
      return `Every ${words.startsWith('1 ') && !words.includes(' ', 2) ? words.slice(2) : words}`;
    }
    case 'once': {
      const at = parsed.instant ?? wallToInstant(timezone, parsed.wall!).at;
      return `Once, at ${wallText(toWall(timezone, at))} (${timezone})`;
    }
    case 'cron': {
      let words: string;
      try {
        words = cronstrue.toString(parsed.expression, { use24HourTimeFormat: true, verbose: false });
      } catch {
        words = parsed.expression;
      }
      return `${words} (${timezone})`;
    }
  }
}

// ---- run ids ---------------------------------------------------------------------------------------------------

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of the run of `cronId` for `slot` and target `agentId`: `crr_` + 26 Crockford base32 characters (130 bits)
 * of SHA-256(cronId, slot as ISO UTC, agentId). Deterministic, so the scheduler (in any process, after any restart)
 * and "run now" insert the same id for the same run and `ON CONFLICT DO NOTHING` keeps one.
 */
export function cronRunId(cronId: string, slot: Date, agentId: string): string {
  const digest = createHash('sha256').update(`${cronId}\n${slot.toISOString()}\n${agentId}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; out.length < 26; ) {
    if (bits < 5) {
      value = ((value << 8) | digest[i++]) & 0xffff;
      bits += 8;
    }
    out += CROCKFORD[(value >> (bits - 5)) & 31];
    bits -= 5;
  }
  return `crr_${out}`;
}
