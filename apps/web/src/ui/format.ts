// Numbers as the cost, execution and metrics pages show them: money, token counts, durations, rates and UTC days.

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const usd6 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** USD with as many decimals as a small amount needs ($0.0042, $12.50); "—" for null. */
export function formatUsd(value: number | null | undefined, precise = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (precise) return usd6.format(value);
  const abs = Math.abs(value);
  if (abs === 0 || abs >= 1) return usd2.format(value);
  if (abs >= 0.01) return usd4.format(value);
  return usd6.format(value);
}

/** A token count in full (12,345). */
export function formatInt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return int.format(value);
}

/** A token count, short (12.3K) — pair it with the full number in a title. */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) < 10_000 ? int.format(value) : compact.format(value);
}

/** An instant in the reader's local time, to the minute ("Dec 7, 2026, 03:16 PM"); "—" for null. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** 0.8123 → "81.2%"; null → "—". */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits).replace(/\.0+$/, '')}%`;
}

/** 1234 → "1.2 s", 95000 → "1 min 35 s"; null → "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

// ---------------------------------------------------------------------------------------------------- UTC days

/** Today's UTC day, `YYYY-MM-DD` (the API buckets by UTC days). */
export function utcToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The first day of the UTC month of `now`. */
export function utcMonthStart(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** `day` plus `n` days (UTC). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The first and last day of the UTC month `offset` months from `now`'s. */
export function utcMonthRange(offset = 0, now = new Date()): { from: string; to: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 0));
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

/** "2026-03-05" → "Mar 5" (or "Mar 5, 2025" when `withYear`), read as a UTC day. */
export function formatDay(day: string, withYear = false): string {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: withYear ? 'numeric' : undefined, timeZone: 'UTC' });
}

/** "2026-03-01" → "Mar 2026". */
export function formatMonth(day: string): string {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** The label of a metrics bucket. */
export function formatBucket(periodStart: string, period: 'day' | 'week' | 'month'): string {
  if (period === 'month') return formatMonth(periodStart);
  if (period === 'week') return `Wk of ${formatDay(periodStart)}`;
  return formatDay(periodStart);
}

/** A local calendar day (from a date input) as an ISO instant; `end` days are inclusive, so their bound is the next midnight. */
export function localDayToIso(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d + (end ? 1 : 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
