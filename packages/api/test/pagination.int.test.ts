// Paging, sorting and their edge cases, on the workspace list: parameter ranges, unknown sort fields, malformed
// cursors, cursor walks under multi-field sorts with ties (each row exactly once), offset paging with total.
import { ManualClock, toPage, totalFor } from '@mc/core';
import { workspaces } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk, issueFields } from './helpers';

let h: Harness;
const clock = new ManualClock(new Date('2026-02-01T08:00:00.000Z'));
const NAMES = ['Beta', 'alpha', 'Gamma', 'Alpha', 'beta'];
const COUNT = 23;
let user: Awaited<ReturnType<Harness['newUser']>>;

beforeAll(async () => {
  h = await createHarness({ clock });
  user = await h.newUser('Pager');
  // Several workspaces share a name, and groups of three share a creation instant: sorts need their tie-breaker.
  for (let i = 0; i < COUNT; i++) {
    if (i % 3 === 0) clock.advance(1000);
    const key = i % 4 === 0 ? user.key : h.admin.key;
    expectOk(await h.call('POST', '/api/v1/workspaces', { key, body: { name: NAMES[i % NAMES.length], slug: `ws-${String(i).padStart(2, '0')}-${(i * 7) % 11}` } }), 201);
  }
  // Touch a few so that updatedAt differs from createdAt.
  const some = expectOk(await h.call('GET', '/api/v1/workspaces?limit=5&sort=slug', { key: h.admin.key }));
  for (const w of some) {
    clock.advance(500);
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${w.id}`, { key: h.admin.key, body: { mission: 'touched' } }));
  }
});
afterAll(async () => {
  await h?.close();
});

const get = (query: string, key = h.admin.key) => h.call('GET', `/api/v1/workspaces?${query}`, { key });

async function walk(sort: string, limit: number, key = h.admin.key, extra = '') {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await get(`sort=${sort}&limit=${limit}${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key);
    expectOk(r);
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
    if (cursor) expect(r.body.meta).toEqual({ limit, nextCursor: r.body.meta.nextCursor });
    ids.push(...r.body.data.map((w: any) => w.id));
    cursor = r.body.meta.nextCursor;
    if (cursor) expect(r.body.data).toHaveLength(limit);
    expect(++pages).toBeLessThan(100);
  } while (cursor);
  return ids;
}

async function all(sort: string, key = h.admin.key, extra = '') {
  return expectOk(await get(`sort=${sort}&limit=200${extra}`, key)).map((w: any) => w.id) as string[];
}

describe('parameter ranges', () => {
  it('limit must be 1..200', async () => {
    for (const limit of ['0', '201', '-1', '1.5', 'abc', '']) {
      const r = await get(`limit=${limit}`);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual(['limit']);
      expect(r.body.error.details.issues[0].in).toBe('query');
    }
    expect((await get('limit=200')).body.meta.limit).toBe(200);
    expect((await get('limit=1')).body.data).toHaveLength(1);
    expect((await get('')).body.meta.limit).toBe(50);
  });

  it('offset must be a non-negative integer', async () => {
    for (const offset of ['-1', 'x', '2.5']) {
      const r = await get(`offset=${offset}`);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual(['offset']);
    }
  });

  it('unknown sort fields are 400 naming sort (and listing the sortable fields)', async () => {
    for (const sort of ['bogus', 'name,-bogus', '-', '', 'name,,slug', 'mission', 'id']) {
      const r = await get(`sort=${encodeURIComponent(sort)}`);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r), sort).toEqual(expect.arrayContaining(['sort']));
      expect(new Set(issueFields(r))).toEqual(new Set(['sort']));
    }
    expect(expectError(await get('sort=bogus'), 400, 'VALIDATION_ERROR').message).toMatch(/createdAt, updatedAt, name, slug/);
  });

  it('cursor and offset together are 400 naming cursor', async () => {
    const first = await get('limit=2');
    const r = await get(`limit=2&offset=0&cursor=${first.body.meta.nextCursor}`);
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['cursor']);
  });
});

describe('malformed cursors are 400 naming cursor, never 500', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const cases: [string, string, string?][] = [
    ['garbage', 'not-a-cursor!!'],
    ['not JSON', b64('hello')],
    ['JSON null', b64(null)],
    ['JSON number', b64(42)],
    ['no values', b64({ s: '-createdAt' })],
    ['too few values', b64({ s: '-createdAt', v: ['2026-02-01T08:00:01.000Z'] })],
    ['too many values', b64({ s: '-createdAt', v: ['2026-02-01T08:00:01.000Z', 'wsp_x', 'extra'] })],
    ['another sort', b64({ s: 'name', v: ['Alpha', 'wsp_x'] })],
    ['a number for a date', b64({ s: '-createdAt', v: [5, 'wsp_x'] })],
    ['a boolean for a date', b64({ s: '-createdAt', v: [true, 'wsp_x'] })],
    ['an object for a date', b64({ s: '-createdAt', v: [{ $gt: 1 }, 'wsp_x'] })],
    ['an array for the id', b64({ s: '-createdAt', v: ['2026-02-01T08:00:01.000Z', ['wsp_x']] })],
    ['an invalid date', b64({ s: '-createdAt', v: ['yesterday', 'wsp_x'] })],
    ['a number for a date, multi-field sort', b64({ s: 'name,-createdAt', v: ['Alpha', 0, 'wsp_x'] }), 'name,-createdAt'],
    ['too long', 'a'.repeat(600)],
  ];
  for (const [name, cursor, sort] of cases) {
    it(name, async () => {
      const r = await get(`cursor=${encodeURIComponent(cursor)}${sort ? `&sort=${sort}` : ''}`);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual(['cursor']);
    });
  }

  it('a cursor made for one sort is refused under another', async () => {
    const byName = await get('sort=name&limit=2');
    const r = await get(`sort=slug&limit=2&cursor=${byName.body.meta.nextCursor}`);
    expect(issueFields(r)).toEqual(['cursor']);
  });
});

describe('cursor paging', () => {
  for (const [sort, limit] of [
    ['name,-createdAt', 4],
    ['-createdAt', 5],
    ['createdAt', 3],
    ['slug', 7],
    ['-updatedAt,name', 4],
    ['-name,createdAt,-slug', 2],
    ['name', 1],
  ] as const) {
    it(`walks every row exactly once, in order, with sort=${sort} and limit=${limit}`, async () => {
      const expected = await all(sort);
      expect(expected).toHaveLength(COUNT);
      const walked = await walk(sort, limit);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(expected);
    });
  }

  it('the order is the requested one (name, then newest first, then id)', async () => {
    const rows = expectOk(await get('sort=name,-createdAt&limit=200'));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      if (a.name === b.name) {
        expect(a.createdAt >= b.createdAt).toBe(true);
        if (a.createdAt === b.createdAt) expect(a.id > b.id).toBe(true); // the tie-breaker follows the last direction
      }
    }
  });

  it("walks only the caller's workspaces, with filters", async () => {
    const mine = await all('name,-createdAt', user.key);
    expect(mine).toHaveLength(Math.ceil(COUNT / 4));
    expect(await walk('name,-createdAt', 2, user.key)).toEqual(mine);
    const betas = await all('name', h.admin.key, '&q=beta');
    expect(betas.length).toBeGreaterThan(2);
    expect(await walk('name', 2, h.admin.key, '&q=beta')).toEqual(betas);
  });

  it('a page boundary does not shift when rows are inserted before it', async () => {
    const before = await all('name');
    const p1 = await get('sort=name&limit=5');
    expect(p1.body.data.map((w: any) => w.id)).toEqual(before.slice(0, 5));
    const inserted = expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'AAA first', slug: 'aaa-first' } }), 201);
    try {
      const p2 = await get(`sort=name&limit=5&cursor=${p1.body.meta.nextCursor}`);
      expect(p2.body.data.map((w: any) => w.id)).toEqual(before.slice(5, 10));
    } finally {
      expectOk(await h.call('DELETE', `/api/v1/workspaces/${inserted.id}`, { key: h.admin.key }));
    }
  });

  it('the last page has nextCursor null', async () => {
    const r = await get(`sort=slug&limit=${COUNT}`);
    expect(r.body.data).toHaveLength(COUNT);
    expect(r.body.meta.nextCursor).toBeNull();
  });
});

describe('offset paging', () => {
  it('returns total, the requested slice and the offset', async () => {
    const full = await all('slug');
    const r = await get('sort=slug&limit=5&offset=5');
    expectOk(r);
    expect(r.body.meta).toEqual({ limit: 5, offset: 5, total: COUNT, nextCursor: expect.any(String) });
    expect(r.body.data.map((w: any) => w.id)).toEqual(full.slice(5, 10));
    const last = await get('sort=slug&limit=5&offset=20');
    expect(last.body.data.map((w: any) => w.id)).toEqual(full.slice(20));
    expect(last.body.meta).toMatchObject({ total: COUNT, nextCursor: null });
  });

  it('total counts only what the caller may see, and survives an offset past the end', async () => {
    expect((await get('limit=1', user.key)).body.meta.total).toBe(Math.ceil(COUNT / 4));
    const past = await get('limit=5&offset=500');
    expect(past.body.data).toEqual([]);
    expect(past.body.meta).toMatchObject({ offset: 500, total: COUNT });
  });

  it('a cursor from an offset page continues after it', async () => {
    const full = await all('slug');
    const r = await get('sort=slug&limit=4&offset=8');
    const next = await get(`sort=slug&limit=4&cursor=${r.body.meta.nextCursor}`);
    expect(next.body.data.map((w: any) => w.id)).toEqual(full.slice(12, 16));
  });
});

describe('bounded totals', () => {
  it('a count stops after the cap: total is the cap and totalCapped says there are more', async () => {
    const { db } = h.ctxFor({ kind: 'system', name: 'test' });
    const plan = { orderBy: [], where: undefined, limit: 10, offset: 0, mode: 'offset' as const };
    expect(await totalFor(db, plan, workspaces, undefined, 5)).toEqual({ total: 5, capped: true });
    const exact = await totalFor(db, plan, workspaces, undefined, 1_000_000);
    expect(exact).toMatchObject({ capped: false });
    expect(exact!.total).toBeGreaterThanOrEqual(COUNT);
    expect(await totalFor(db, plan, workspaces, undefined, exact!.total)).toEqual({ total: exact!.total, capped: false });
    expect(await totalFor(db, plan, workspaces, undefined, exact!.total - 1)).toEqual({ total: exact!.total - 1, capped: true });
    expect(await totalFor(db, { ...plan, mode: 'cursor' }, workspaces, undefined, 5)).toBeUndefined();
    const page = toPage([], { limit: 10, sort: 'name' }, plan, {}, { value: () => null }, (r) => r, { total: 5, capped: true });
    expect(page.meta).toEqual({ limit: 10, offset: 0, nextCursor: null, total: 5, totalCapped: true });
  });
});
