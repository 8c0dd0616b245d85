// Word search newest first, window by window of time (docs/adr/0006-word-search.md): whatever the windows, the
// answer is exactly the plain one — every match, newest first, through cursor and offset pages — for entries in the
// future, this week, on bucket edges, months and years back. The expected lists are computed here from what was
// inserted, not by the server.
import { ManualClock, SEARCH_TOTAL_CAP, SEARCH_WINDOW_WEEKS, weekOf, weekStart } from '@mc/core';
import { activity, executions } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectOk } from './helpers';

const NOW = new Date('2026-06-10T12:00:00.000Z');
const DAY = 86_400_000;
const clock = new ManualClock(NOW);
let h: Harness;
let t: Team;
let other: { id: string };

interface Entry {
  id: string;
  workspaceId: string;
  summary: string;
  createdAt: Date;
}
const entries: Entry[] = [];

/** Instants around every window edge (of SEARCH_WINDOW_WEEKS) and far from them, newest to oldest. */
function instants(): Date[] {
  const cur = weekOf(NOW);
  const days = [10, 1, 0.1, -0.2, -3, -6, -8, -13, -15, -20, -34, -41, -43, -45, -100, -400, -800];
  const bounds = [cur + 1, cur];
  let w = cur;
  for (const size of SEARCH_WINDOW_WEEKS) {
    w -= size;
    bounds.push(w + 1, w);
  }
  const edges = bounds.flatMap((b) => [weekStart(b), new Date(weekStart(b).getTime() - 1)]);
  return [...days.map((d) => new Date(NOW.getTime() + d * DAY)), ...edges];
}

const WORDS = ['zebra', 'zebra yak', 'zebra', 'okapi', 'zebra zebu', 'yak'];

beforeAll(async () => {
  h = await createHarness({ clock });
  t = await createTeam(h);
  other = await createWorkspace(h, h.admin.key);
  let n = 0;
  for (const at of instants()) {
    for (const ws of [t.ws.id, other.id]) {
      for (let k = 0; k < 2; k++) {
        const e = { id: `act_search_${String(n).padStart(4, '0')}`, workspaceId: ws, summary: `${WORDS[n % WORDS.length]} entry ${n}`, createdAt: at };
        n++;
        entries.push(e);
      }
    }
  }
  await h.database.db.insert(activity).values(
    entries.map((e) => ({ ...e, actorKind: 'system', actorName: 'seed', action: 'test.seeded', targetKind: 'test' })),
  );
});
afterAll(async () => {
  await h?.close();
});

const words = (s: string) => s.toLowerCase().split(/\s+/);
function expected(q: string[], prefix: string[] = [], ws?: string[]): string[] {
  return entries
    .filter((e) => !ws || ws.includes(e.workspaceId))
    .filter((e) => q.every((w) => words(e.summary).includes(w)) && prefix.every((p) => words(e.summary).some((w) => w.startsWith(p))))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((e) => e.id);
}

async function pages(path: string, key: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const r = await h.call('GET', `${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    const body = r.body as { data: { id: string }[]; meta: { nextCursor: string | null } };
    expect(r.status).toBe(200);
    ids.push(...body.data.map((e) => e.id));
    cursor = body.meta.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('no last page');
}

async function offsets(path: string, key: string, limit: number, total: number) {
  const ids: string[] = [];
  for (let offset = 0; offset < total + limit; offset += limit) {
    ids.push(...(expectOk(await h.call('GET', `${path}&limit=${limit}&offset=${offset}`, { key })) as { id: string }[]).map((e) => e.id));
  }
  return ids;
}

describe('activity ?q= newest first across time windows', () => {
  it('the generated week bucket is the one the windows compute', async () => {
    const rows = await h.database.db.select({ id: activity.id, week: activity.createdWeek }).from(activity);
    const weeks = new Map(rows.map((r) => [r.id, r.week]));
    for (const e of entries) expect(weeks.get(e.id), e.createdAt.toISOString()).toBe(weekOf(e.createdAt));
  });

  for (const [label, q, whole, prefix] of [
    ['a common word', 'zebra', ['zebra'], []],
    ['a rarer word', 'yak', ['yak'], []],
    ['two words', 'yak zebra', ['yak', 'zebra'], []],
    ['a prefix', 'zeb*', [], ['zeb']],
    ['a whole word and a prefix', 'yak zeb*', ['yak'], ['zeb']],
    // PostgreSQL's parser drops `²` (no lexeme): the search is the prefix alone, in every window alike.
    ['an unindexable word and a prefix', '² zeb*', [], ['zeb']],
  ] as const) {
    it(`${label}: every match newest first, by cursor and by offset, for the admin, a workspace and a member`, async () => {
      const all = expected([...whole], [...prefix]);
      const mine = expected([...whole], [...prefix], [t.ws.id]);
      expect(mine.length).toBeGreaterThan(3);
      const enc = encodeURIComponent(q);
      for (const limit of [1, 3, 7, 200]) {
        expect(await pages(`/api/v1/activity?q=${enc}`, h.admin.key, limit), `admin, limit ${limit}`).toEqual(all);
        expect(await pages(`/api/v1/activity?q=${enc}&workspaceId=${t.ws.id}`, h.admin.key, limit), `workspace, limit ${limit}`).toEqual(mine);
        expect(await pages(`/api/v1/activity?q=${enc}`, t.member.key, limit), `member, limit ${limit}`).toEqual(mine);
      }
      for (const limit of [2, 5]) {
        expect(await offsets(`/api/v1/activity?q=${enc}`, h.admin.key, limit, all.length), `admin offsets of ${limit}`).toEqual(all);
        expect(await offsets(`/api/v1/activity?q=${enc}`, t.member.key, limit, mine.length), `member offsets of ${limit}`).toEqual(mine);
      }
      // Oldest first does not use the windows; it is the same set reversed.
      expect(await pages(`/api/v1/activity?q=${enc}&workspaceId=${t.ws.id}&sort=createdAt`, h.admin.key, 4)).toEqual([...mine].reverse());
    });
  }

  it('keeps the other filters inside every window (time range, workspace)', async () => {
    const from = new Date(NOW.getTime() - 44 * DAY);
    const to = new Date(NOW.getTime() - 2 * DAY);
    const want = expected(['zebra'], [], [t.ws.id]).filter((id) => {
      const at = entries.find((e) => e.id === id)!.createdAt;
      return at >= from && at < to;
    });
    expect(want.length).toBeGreaterThan(3);
    const path = `/api/v1/activity?q=zebra&from=${from.toISOString()}&to=${to.toISOString()}`;
    expect(await pages(path, t.member.key, 2)).toEqual(want);
    expect(await pages(`${path}&workspaceId=${other.id}`, h.admin.key, 50)).toEqual(
      expected(['zebra'], [], [other.id]).filter((id) => {
        const at = entries.find((e) => e.id === id)!.createdAt;
        return at >= from && at < to;
      }),
    );
  });

  it('a member of no workspace finds nothing', async () => {
    const loner = await h.newUser('Loner');
    expect(expectOk(await h.call('GET', '/api/v1/activity?q=zebra', { key: loner.key }))).toEqual([]);
  });
});

describe('executions ?q= newest first across time windows', () => {
  it('finds every run with the words, newest first, started months apart', async () => {
    const agent = await activeAgent(h, t.owner.key, t.ws.id);
    const runs: { id: string; summary: string; startedAt: Date }[] = [];
    const days = [3, 0, -1, -9, -16, -30, -44, -90, -500];
    for (const [i, d] of days.entries()) {
      clock.set(new Date(NOW.getTime() + d * DAY));
      const e = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: {} }), 201);
      const summary = i % 3 === 0 ? `zebra rollout ${i}` : `zebra ${i}`;
      expectOk(await h.call('PATCH', `/api/v1/executions/${e.id}`, { key: agent.key, body: { status: 'success', summary } }));
      runs.push({ id: e.id, summary, startedAt: new Date(e.startTime) });
    }
    clock.set(NOW);
    const newest = (f: (s: string) => boolean) =>
      runs
        .filter((r) => f(r.summary))
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .map((r) => r.id);
    for (const limit of [1, 2, 50]) {
      expect(await pages(`/api/v1/executions?q=zebra&workspaceId=${t.ws.id}`, t.viewer.key, limit)).toEqual(newest(() => true));
      expect(await pages(`/api/v1/executions?q=rollout`, t.member.key, limit)).toEqual(newest((s) => s.includes('rollout')));
    }
    expect(await offsets(`/api/v1/executions?q=zebra`, t.member.key, 2, runs.length)).toEqual(newest(() => true));
    const page = await h.call('GET', `/api/v1/executions?q=zebra&limit=2&offset=2&total=exact`, { key: t.member.key });
    expect((page.body as { meta: { total: number } }).meta.total).toBe(runs.length);
  });

  it('?total=exact: a search counts at most SEARCH_TOTAL_CAP matches (totalCapped), the same list without words counts them all; by default neither counts past the page (ADR 0016)', async () => {
    const agent = await activeAgent(h, h.admin.key, other.id);
    const bulk = SEARCH_TOTAL_CAP + 5;
    await h.database.db.insert(executions).values(
      Array.from({ length: bulk }, (_, i) => ({
        id: `exe_bulk_${String(i).padStart(5, '0')}`,
        workspaceId: other.id,
        agentId: agent.id,
        status: 'success',
        startedAt: new Date(NOW.getTime() - (i + 1) * 60_000),
        summary: 'bulk walrus',
      })),
    );
    const meta = async (query: string) => {
      const r = await h.call('GET', `/api/v1/executions?workspaceId=${other.id}&limit=5&${query}`, { key: h.admin.key });
      expectOk(r);
      return (r.body as { meta: unknown }).meta;
    };
    expect(await meta('q=walrus&total=exact')).toMatchObject({ total: SEARCH_TOTAL_CAP, totalCapped: true });
    expect(await meta('total=exact')).toEqual({ limit: 5, offset: 0, nextCursor: expect.any(String), total: bulk });
    // The default is a lower bound from the page itself: what was skipped, the page, and one more row seen.
    expect(await meta('q=walrus')).toMatchObject({ total: 6, totalCapped: true });
    expect(await meta('')).toMatchObject({ total: 6, totalCapped: true });
  });
});

