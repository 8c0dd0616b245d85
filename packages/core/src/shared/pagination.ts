// Paging for every list: offset paging (`?offset=`, with `total`) and keyset paging (`?cursor=`), both over
// the same validated `?sort=`. The cursor is opaque to clients: base64url JSON of the sort and the last row's
// sort values, so a page boundary never shifts when rows are inserted before it.
import { and, asc, count, desc, eq, gt, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { instantOf, inYears } from '@mc/contracts';
import type { Db } from '@mc/db';
import { DomainError, validation } from '../errors';

export interface SortSpec {
  field: string;
  desc: boolean;
}

export interface PageQuery {
  limit: number;
  offset?: number;
  cursor?: string;
  sort: string;
}

export interface Page<T> {
  items: T[];
  meta: { limit: number; offset?: number; nextCursor: string | null; total?: number; totalCapped?: true };
}

export function parseSort(sort: string): SortSpec[] {
  return sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => ({ field: s.replace(/^-/, ''), desc: s.startsWith('-') }));
}

interface CursorState {
  s: string;
  v: unknown[];
}

function badCursor(message = 'cursor is malformed or belongs to another sort'): DomainError {
  return validation([{ field: 'cursor', in: 'query', message }], message);
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(cursor: string, sort: string, width: number): unknown[] {
  let state: CursorState;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!state || state.s !== sort || !Array.isArray(state.v) || state.v.length !== width) throw badCursor();
  return state.v;
}

/**
 * What a sort value is, so that a cursor value of another shape is a 400 (a cursor is client input) instead of a
 * database error: `integer` a safe integer (int and bigint columns), `decimal` a decimal string (numeric),
 * `timestamp` an ISO date-time in 1970..9999, `text` a string without NUL. Null passes for every kind (nullable
 * columns; a comparison with null matches nothing).
 */
export type SortValueKind = 'integer' | 'decimal' | 'timestamp' | 'text';

/**
 * A sortable field: its column, how to read the value off a result row for the cursor, and the kind of that value.
 * `kind` may be left out for a plain column (it follows the column type); a SQL expression (`coalesce(…)`) must
 * declare it.
 */
export type SortColumns<Row> = Record<string, SortColumn<Row>>;
export interface SortColumn<Row> {
  column: AnyColumn;
  value: (row: Row) => unknown;
  kind?: SortValueKind;
}

const KIND_OF_COLUMN_TYPE: Record<string, SortValueKind> = {
  PgTimestamp: 'timestamp',
  PgInteger: 'integer',
  PgSmallInt: 'integer',
  PgSerial: 'integer',
  PgBigInt53: 'integer',
  PgBigSerial53: 'integer',
  PgNumeric: 'decimal',
  PgText: 'text',
  PgVarchar: 'text',
  PgChar: 'text',
  PgEnumColumn: 'text',
};

function kindOf(key: { column: AnyColumn; kind?: SortValueKind }): SortValueKind | undefined {
  return key.kind ?? KIND_OF_COLUMN_TYPE[(key.column as { columnType?: string }).columnType ?? ''];
}

export interface PagePlan {
  orderBy: SQL[];
  where: SQL | undefined;
  limit: number;
  offset: number;
  mode: 'offset' | 'cursor';
}

/**
 * Plan a page: ORDER BY the requested fields then the id (a unique tie-breaker), and for a cursor the
 * keyset condition "after the last row". Fetch `limit + 1` rows so the next page is known without a count.
 */
export function planPage<Row>(q: PageQuery, columns: SortColumns<Row>, id: SortColumn<Row>): PagePlan {
  if (q.cursor && q.offset !== undefined) {
    throw validation([{ field: 'cursor', in: 'query', message: 'cannot be combined with offset' }], 'use either cursor or offset, not both');
  }
  const specs = parseSort(q.sort);
  const keys = [...specs.map((s) => ({ ...columns[s.field], desc: s.desc })), { ...id, desc: specs.at(-1)?.desc ?? false }];
  const orderBy = keys.map((k) => (k.desc ? desc(k.column) : asc(k.column)));
  let where: SQL | undefined;
  if (q.cursor) {
    const values = decodeCursor(q.cursor, q.sort, keys.length).map((v, i) => revive(kindOf(keys[i]), v));
    const branches: SQL[] = [];
    for (let i = 0; i < keys.length; i++) {
      const eqs = keys.slice(0, i).map((k, j) => eq(k.column, values[j]));
      const cmp = keys[i].desc ? lt(keys[i].column, values[i]) : gt(keys[i].column, values[i]);
      branches.push(and(...eqs, cmp)!);
    }
    where = or(...branches);
  }
  return { orderBy, where, limit: q.limit + 1, offset: q.cursor ? 0 : (q.offset ?? 0), mode: q.cursor ? 'cursor' : 'offset' };
}

const DECIMAL_RE = /^-?\d{1,30}(\.\d{1,30})?$/;

/** A cursor value as a query parameter, or 400 when it is not of the sort column's kind. */
function revive(kind: SortValueKind | undefined, v: unknown): unknown {
  if (v === null) return v;
  if (typeof v === 'object') throw badCursor();
  switch (kind) {
    case 'timestamp': {
      // Anything but a date string in range would reach the driver's date mapping or PostgreSQL and throw.
      const d = typeof v === 'string' ? instantOf(v) : null;
      if (d === null || !inYears(d)) throw badCursor();
      return d;
    }
    case 'integer':
      if (!Number.isSafeInteger(v)) throw badCursor();
      return v;
    case 'decimal':
      if (typeof v !== 'string' || !DECIMAL_RE.test(v)) throw badCursor();
      return v;
    case 'text':
      if (typeof v !== 'string' || v.includes('\u0000')) throw badCursor();
      return v;
    default:
      return v;
  }
}

/** Turn the `limit + 1` rows of a plan into a page with `nextCursor`. */
export function toPage<Row, Item>(
  rows: Row[],
  q: PageQuery,
  plan: PagePlan,
  columns: SortColumns<Row>,
  id: { value: (row: Row) => unknown },
  map: (row: Row) => Item,
  total?: number | TotalCount,
): Page<Item> {
  const hasMore = rows.length > q.limit;
  const pageRows = hasMore ? rows.slice(0, q.limit) : rows;
  let nextCursor: string | null = null;
  if (hasMore) {
    const last = pageRows[pageRows.length - 1];
    const v = [...parseSort(q.sort).map((s) => serialise(columns[s.field].value(last))), serialise(id.value(last))];
    nextCursor = encodeCursor({ s: q.sort, v });
  }
  return {
    items: pageRows.map(map),
    meta: plan.mode === 'offset' ? { limit: q.limit, offset: plan.offset, nextCursor, ...totalMeta(total) } : { limit: q.limit, nextCursor },
  };
}

function totalMeta(total: number | TotalCount | undefined): { total?: number; totalCapped?: true } {
  if (total === undefined) return {};
  if (typeof total === 'number') return { total };
  return total.capped ? { total: total.total, totalCapped: true } : { total: total.total };
}

function serialise(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

/** Lists count at most this many items: beyond it `meta.total` is this number and `meta.totalCapped` is true. */
export const LIST_TOTAL_CAP = 10_000;

/**
 * A word search counts at most this many matches. Counting reads every match it counts (each a row of the table,
 * to check it is visible): 10,000 of them cost more than the page itself (executions `?q=` of a word in 0.4 % of
 * a million runs: 20 ms over HTTP, 87 ms on the embedded database, bench/README.md); "1,000+" says as much.
 */
export const SEARCH_TOTAL_CAP = 1_000;

export interface TotalCount {
  total: number;
  /** More items match than were counted (LIST_TOTAL_CAP). */
  capped: boolean;
}

/**
 * `meta.total` for offset paging: one count over the same filter, stopped after LIST_TOTAL_CAP + 1 rows so that a
 * list of a million rows costs a bounded count, not a full one (bench/README.md, bench:activity). Cursor paging
 * does without.
 */
export async function totalFor(db: Db, plan: PagePlan, table: PgTable, where: SQL | undefined, cap = LIST_TOTAL_CAP): Promise<TotalCount | undefined> {
  if (plan.mode !== 'offset') return undefined;
  const matching = db.select({ one: sql`1` }).from(table).where(where).limit(cap + 1).as('matching');
  const [row] = await db.select({ n: count() }).from(matching);
  const n = Number(row?.n ?? 0);
  return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
}

/** How `meta.total` is computed on an offset page (`?total=`, docs/adr/0016-list-totals.md). */
export type TotalMode = 'page' | 'exact';

/**
 * `meta.total` for the `rows` a plan fetched (`limit + 1` at most). `exact` is the bounded count of totalFor. `page`
 * counts nothing the page does not show: the last page knows the total (offset + its rows); a page with a next one
 * says "at least offset + limit + 1" with `totalCapped`, which is all a client paging with `offset + items < total`
 * needs. Only an empty page past the end counts, stopped after `offset` rows (it cannot find more than that).
 */
export async function pageTotal(
  db: Db,
  plan: PagePlan,
  mode: TotalMode | undefined,
  fetched: number,
  table: PgTable,
  where: SQL | undefined,
  cap = LIST_TOTAL_CAP,
): Promise<TotalCount | undefined> {
  if (plan.mode !== 'offset') return undefined;
  if (mode === 'exact') return totalFor(db, plan, table, where, cap);
  const limit = plan.limit - 1;
  if (fetched > limit) return { total: plan.offset + fetched, capped: true };
  if (fetched > 0 || plan.offset === 0) return { total: plan.offset + fetched, capped: false };
  return totalFor(db, plan, table, where, Math.min(plan.offset, cap));
}
