// A word search newest first, window by window of time (docs/adr/0006-word-search.md).
//
// The GIN index finds every entry with the words; the page wants only the newest of them. Asked in one query, a word
// in 0.5 % of a million entries costs either all its 5,000 matches (index, then sort) or a walk of the time index
// over ~14,000 entries until 51 match — both grow with the log. Asked per window (this week and last, then the four
// before, then everything older), with the window's 7-day buckets in the same GIN index, the first window usually
// fills the page from a few hundred matches; the next window runs only when the page is not full, i.e. for words
// rare enough that the older windows hold few matches too.
import { gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

const DAY_MS = 86_400_000;

/**
 * Sizes of the windows after the first, in 7-day buckets, newest first: the current and the previous bucket, then
 * the four before; everything older is the last window.
 */
export const SEARCH_WINDOW_WEEKS = [2, 4] as const;

/** The 7-day bucket of an instant, as the generated `created_week` / `started_week` columns compute it (from 1970). */
export function weekOf(at: Date): number {
  return Math.floor(Math.floor(at.getTime() / DAY_MS) / 7);
}

/** First instant of a 7-day bucket. */
export function weekStart(week: number): Date {
  return new Date(week * 7 * DAY_MS);
}

/** Whether a list's `?sort=` starts with `-<timeField>` (newest first), the order windows can serve. */
export function isNewestFirst(sort: string, timeField: string): boolean {
  return sort.split(',')[0]?.trim() === `-${timeField}`;
}

export interface TimeColumns {
  /** The list's time, e.g. `activity.created_at`. */
  time: AnyPgColumn;
  /** Its generated 7-day bucket, in the list's GIN index with the words. */
  week: AnyPgColumn;
}

/**
 * Conditions that split all time into disjoint windows, newest first. The first also takes anything after the
 * current bucket (a clock ahead of this one), so that together they cover every row whatever the clock says.
 * Buckets are listed (`IN`), not ranged: GIN intersects listed values with the words, a range it expands in full.
 */
export function searchWindows(cols: TimeColumns, now: Date): SQL[] {
  let newest = weekOf(now);
  const windows: SQL[] = [];
  for (const [i, size] of SEARCH_WINDOW_WEEKS.entries()) {
    const weeks = Array.from({ length: size }, (_, k) => newest - k);
    windows.push(i === 0 ? or(inArray(cols.week, weeks), gte(cols.time, weekStart(newest + 1)))! : inArray(cols.week, weeks));
    newest -= size;
  }
  windows.push(lt(cols.time, weekStart(newest + 1)));
  return windows;
}

/**
 * The first `need` rows of a newest-first list, asked window by window until they are found. `run` is the list's
 * own query (every filter, the cursor, the newest-first order) with one more condition and a row limit.
 */
export async function newestFirstByWindow<Row>(windows: SQL[], need: number, run: (window: SQL, limit: number) => Promise<Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for (const window of windows) {
    rows.push(...(await run(window, need - rows.length)));
    if (rows.length >= need) break;
  }
  return rows;
}
