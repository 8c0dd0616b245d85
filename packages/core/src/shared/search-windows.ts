// A word search newest first, window by window of time (docs/adr/0006-word-search.md).
//
// The GIN index finds every entry with the words; the page wants only the newest of them. Asked in one query, a word
// in 0.5 % of a million entries costs either all its 5,000 matches (index, then sort) or a walk of the time index
// over ~14,000 entries until 51 match — both grow with the log. Asked per window (this week and last, then
// everything older), with the window's 7-day buckets in the same GIN index as the words, the first window usually
// fills the page from a few hundred matches; the next runs only when the page is not full, i.e. for words rare
// enough that the older entries hold few matches too.
import { gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { searchCondition, type SearchText } from './full-text';

const DAY_MS = 86_400_000;

/**
 * Sizes of the windows before the last, in 7-day buckets, newest first: the current and the previous bucket;
 * everything older is the last window. The last runs only for words with less than a page of matches in the newest
 * two weeks, so its matches are at most a page per two weeks of history (~1,300 for a year at a steady pace). A
 * middle window would bound that further at the price of one more query for every such search (and one GIN scan
 * per listed bucket and workspace): measured, not worth it at a year of history (bench/README.md, bench:activity).
 */
export const SEARCH_WINDOW_WEEKS = [2] as const;

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

/** One window of time: its condition, and whether it lists 7-day buckets (the GIN index serves it with the words). */
export interface SearchWindow {
  condition: SQL;
  bucketed: boolean;
}

/**
 * Conditions that split all time into disjoint windows, newest first. The first also takes anything after the
 * current bucket (a clock ahead of this one), so that together they cover every row whatever the clock says.
 * Buckets are listed (`IN`), not ranged: GIN intersects listed values with the words, a range it expands in full.
 */
export function searchWindows(cols: TimeColumns, now: Date): SearchWindow[] {
  let newest = weekOf(now);
  const windows: SearchWindow[] = [];
  for (const [i, size] of SEARCH_WINDOW_WEEKS.entries()) {
    const weeks = Array.from({ length: size }, (_, k) => newest - k);
    const listed = inArray(cols.week, weeks);
    windows.push({ condition: i === 0 ? or(listed, gte(cols.time, weekStart(newest + 1)))! : listed, bucketed: true });
    newest -= size;
  }
  windows.push({ condition: lt(cols.time, weekStart(newest + 1)), bucketed: false });
  return windows;
}

/**
 * The first `need` rows of a newest-first list, asked window by window until they are found. `run` is the list's
 * own query (every filter, the cursor, the newest-first order) with the window's condition and a row limit.
 */
export async function newestFirstByWindow<Row>(
  windows: SearchWindow[],
  need: number,
  run: (window: SearchWindow, limit: number) => Promise<Row[]>,
): Promise<Row[]> {
  let rows: Row[] = [];
  for (const window of windows) {
    rows = rows.concat(await run(window, need - rows.length));
    if (rows.length >= need) break;
  }
  return rows;
}

export interface SearchableList<Row> {
  /** The parsed `?q=`, or null without words. */
  search: SearchText | null;
  /** The list's generated tsvector column. */
  searchColumn: AnyPgColumn;
  time: TimeColumns;
  /** Whether the list is sorted newest first by `time` (the order windows can serve). */
  newestFirst: boolean;
  now: Date;
  /** The page plan's row limit (one more than the page) and offset. */
  limit: number;
  offset: number;
  /** The list's query: every filter, the cursor and the order, plus the words, a window of time, a limit and offset. */
  query: (words: SQL | undefined, window: SQL | undefined, limit: number, offset: number) => Promise<Row[]>;
}

/**
 * Windows read every row before the page (they cannot skip an offset inside a window they may not finish), so an
 * offset beyond this many rows is one query, where the database skips them.
 */
export const SEARCH_WINDOW_MAX_ROWS = 1_000;

/** The rows of one page of a list that may be searched: window by window for a newest-first search, else one query. */
export async function pageRows<Row>(list: SearchableList<Row>): Promise<Row[]> {
  const { search } = list;
  if (!search || !list.newestFirst || list.offset + list.limit > SEARCH_WINDOW_MAX_ROWS) {
    return list.query(search ? searchCondition(list.searchColumn, search) : undefined, undefined, list.limit, list.offset);
  }
  const rows = await newestFirstByWindow(searchWindows(list.time, list.now), list.offset + list.limit, (w, n) =>
    list.query(searchCondition(list.searchColumn, search, { wholeWordsFirst: w.bucketed }), w.condition, n, 0),
  );
  return rows.slice(list.offset);
}

