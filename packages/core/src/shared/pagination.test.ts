import { workspaces } from '@mc/db';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { pageTotal, parseSort, planPage, toPage, type PageQuery, type SortColumns } from './pagination';
import type { Db } from '@mc/db';

type Row = { id: string; name: string; createdAt: Date };
const columns: SortColumns<Row> = {
  name: { column: workspaces.name, value: (r) => r.name },
  createdAt: { column: workspaces.createdAt, value: (r) => r.createdAt },
};
const id = { column: workspaces.id, value: (r: Row) => r.id };
const dialect = new PgDialect();
const render = (sql: any) => dialect.sqlToQuery(sql);

const rows: Row[] = Array.from({ length: 5 }, (_, i) => ({ id: `wsp_${i}`, name: i < 3 ? 'A' : 'B', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 2)) }));

function cursorAfter(q: PageQuery, last: Row) {
  const plan = planPage(q, columns, id);
  return toPage([...rows.slice(0, q.limit - 1), last, rows[4]], q, plan, columns, id, (r) => r).meta.nextCursor!;
}

function validationField(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION_ERROR');
    return ((err as DomainError).details as { issues: { field: string }[] }).issues[0].field;
  }
  throw new Error('expected a validation error');
}

describe('parseSort', () => {
  it('reads fields and directions', () => {
    expect(parseSort('name,-createdAt')).toEqual([
      { field: 'name', desc: false },
      { field: 'createdAt', desc: true },
    ]);
    expect(parseSort(' -name , createdAt ')).toEqual([
      { field: 'name', desc: true },
      { field: 'createdAt', desc: false },
    ]);
  });
});

describe('planPage', () => {
  it('orders by the sort fields then the id (in the direction of the last field), fetching one extra row', () => {
    const plan = planPage({ limit: 10, sort: 'name,-createdAt' }, columns, id);
    expect(plan).toMatchObject({ limit: 11, offset: 0, mode: 'offset', where: undefined });
    expect(plan.orderBy.map((o) => render(o).sql)).toEqual(['"workspaces"."name" asc', '"workspaces"."created_at" desc', '"workspaces"."id" desc']);
    expect(planPage({ limit: 10, offset: 30, sort: 'name' }, columns, id)).toMatchObject({ offset: 30, mode: 'offset' });
  });

  it('turns a cursor into the keyset condition "after the last row"', () => {
    const q = { limit: 2, sort: 'name,-createdAt' };
    const cursor = cursorAfter(q, rows[1]);
    const plan = planPage({ ...q, cursor }, columns, id);
    expect(plan.mode).toBe('cursor');
    expect(plan.offset).toBe(0);
    const { sql, params } = render(plan.where);
    expect(sql).toBe(
      '("workspaces"."name" > $1 or ("workspaces"."name" = $2 and "workspaces"."created_at" < $3) or ("workspaces"."name" = $4 and "workspaces"."created_at" = $5 and "workspaces"."id" < $6))',
    );
    expect(params).toEqual(['A', 'A', rows[1].createdAt.toISOString(), 'A', rows[1].createdAt.toISOString(), 'wsp_1']);
  });

  it('refuses a cursor with an offset, naming cursor', () => {
    const cursor = cursorAfter({ limit: 2, sort: 'name' }, rows[1]);
    expect(validationField(() => planPage({ limit: 2, sort: 'name', cursor, offset: 0 }, columns, id))).toBe('cursor');
  });

  it('refuses malformed cursors and cursors of another sort, naming cursor', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const other = cursorAfter({ limit: 2, sort: 'name' }, rows[1]);
    for (const [sort, cursor] of [
      ['name', '%%%'],
      ['name', Buffer.from('not json').toString('base64url')],
      ['name', b64(null)],
      ['name', b64({ s: 'name', v: ['A'] })],
      ['name', b64({ s: 'name', v: ['A', { x: 1 }] })],
      ['createdAt', b64({ s: 'createdAt', v: [7, 'wsp_1'] })],
      ['createdAt', b64({ s: 'createdAt', v: [false, 'wsp_1'] })],
      ['createdAt', b64({ s: 'createdAt', v: ['not a date', 'wsp_1'] })],
      ['createdAt', b64({ s: 'createdAt', v: ['0000-01-01T00:00:00.000Z', 'wsp_1'] })],
      ['createdAt', b64({ s: 'createdAt', v: ['2026-01-01T00:00:00.000Z', 7] })],
      ['name', b64({ s: 'name', v: [1, 'wsp_1'] })],
      ['name', b64({ s: 'name', v: ['a\u0000', 'wsp_1'] })],
      ['-name', other],
    ] as const) {
      expect(validationField(() => planPage({ limit: 2, sort, cursor }, columns, id)), `${sort} ${cursor}`).toBe('cursor');
    }
  });
});

describe('cursor value kinds', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const exprColumns: SortColumns<Row> = {
    n: { column: workspaces.name, value: () => 0, kind: 'integer' },
    d: { column: workspaces.name, value: () => '0', kind: 'decimal' },
  };
  it('checks each value against the kind its sort column declares (or its column type)', () => {
    for (const [sort, v] of [
      ['n', ['1', 'wsp_1']],
      ['n', [1.5, 'wsp_1']],
      ['n', [2 ** 60, 'wsp_1']],
      ['d', [1, 'wsp_1']],
      ['d', ['abc', 'wsp_1']],
      ['d', ['1e5', 'wsp_1']],
    ] as const) {
      expect(validationField(() => planPage({ limit: 2, sort, cursor: b64({ s: sort, v }) }, exprColumns, id)), `${sort} ${JSON.stringify(v)}`).toBe('cursor');
    }
    expect(render(planPage({ limit: 2, sort: 'n', cursor: b64({ s: 'n', v: [-1, 'wsp_1'] }) }, exprColumns, id).where).params[0]).toBe(-1);
    expect(render(planPage({ limit: 2, sort: 'd', cursor: b64({ s: 'd', v: ['-12.500000', 'wsp_1'] }) }, exprColumns, id).where).params[0]).toBe('-12.500000');
  });
});

describe('toPage', () => {
  it('gives a next cursor only when there is more, and offset/total only in offset mode', () => {
    const q = { limit: 2, sort: 'name' };
    const plan = planPage(q, columns, id);
    const more = toPage(rows.slice(0, 3), q, plan, columns, id, (r) => r.id, 5);
    expect(more.items).toEqual(['wsp_0', 'wsp_1']);
    expect(more.meta).toEqual({ limit: 2, offset: 0, total: 5, nextCursor: expect.any(String) });
    const last = toPage(rows.slice(0, 2), q, plan, columns, id, (r) => r.id, 5);
    expect(last.meta.nextCursor).toBeNull();

    const cq = { ...q, cursor: more.meta.nextCursor! };
    const cplan = planPage(cq, columns, id);
    expect(toPage(rows.slice(2, 4), cq, cplan, columns, id, (r) => r.id).meta).toEqual({ limit: 2, nextCursor: null });
  });

  it('round-trips dates in the cursor', () => {
    const q = { limit: 1, sort: '-createdAt' };
    const cursor = cursorAfter(q, rows[3]);
    const { params } = render(planPage({ ...q, cursor }, columns, id).where);
    expect(params[0]).toBe(rows[3].createdAt.toISOString());
  });
});

describe('pageTotal (ADR 0016)', () => {
  /** A database that must not be asked: the default mode answers from the page it fetched. */
  const untouchable = new Proxy({}, { get: () => { throw new Error('the page should not have been counted'); } }) as unknown as Db;
  const plan = (offset?: number, cursor?: string) => planPage({ limit: 20, offset, cursor, sort: 'name' }, columns, id);

  it('counts nothing when the page tells: a lower bound while there is a next page, exact on the last', async () => {
    expect(await pageTotal(untouchable, plan(), undefined, 21, workspaces, undefined)).toEqual({ total: 21, capped: true });
    expect(await pageTotal(untouchable, plan(40), 'page', 21, workspaces, undefined)).toEqual({ total: 61, capped: true });
    expect(await pageTotal(untouchable, plan(40), 'page', 7, workspaces, undefined)).toEqual({ total: 47, capped: false });
    expect(await pageTotal(untouchable, plan(), 'page', 0, workspaces, undefined)).toEqual({ total: 0, capped: false });
  });

  it('cursor pages carry no total in either mode', async () => {
    const cursorPlan = { ...plan(), mode: 'cursor' as const };
    expect(await pageTotal(untouchable, cursorPlan, 'exact', 21, workspaces, undefined)).toBeUndefined();
    expect(await pageTotal(untouchable, cursorPlan, 'page', 21, workspaces, undefined)).toBeUndefined();
  });

  it('an empty page past the end and ?total=exact do count (asked of the database)', async () => {
    await expect(pageTotal(untouchable, plan(60), 'page', 0, workspaces, undefined)).rejects.toThrow('should not have been counted');
    await expect(pageTotal(untouchable, plan(), 'exact', 3, workspaces, undefined)).rejects.toThrow('should not have been counted');
  });
});
