// GET /tickets at scale (issue 13, point 1): every single-field sort is a walk of an index that stops after the page
// (EXPLAIN of the very statement the list runs, on the database under test), and `meta.total` costs nothing beyond
// the page unless `?total=exact` asks for a count (docs/adr/0016-list-totals.md).
import { TICKET_SORT_FIELDS, ticketListQuery, type FindTicketsInput, type Principal } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk } from './helpers';
import { explain, nodes, onOneConnection, type PlanNode } from './plans';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

/** `n` tickets in a workspace in one statement: a spread of statuses, priorities and creation times. */
async function seedTickets(workspaceId: string, prefix: string, n: number) {
  await onOneConnection(h, async (run) => {
    await run(
      `INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind, created_at, updated_at)
       SELECT $1 || g, $2, 100000 + g, 'list ' || g,
         (ARRAY['done', 'done', 'done', 'todo', 'pr_review', 'closed', 'done', 'done', 'done', 'done'])[g % 10 + 1], g % 4, 'user',
         now() - make_interval(secs => g * 60), now() - make_interval(secs => (g * 7919) % 500000)
       FROM generate_series(1, $3::int) g`,
      [prefix, workspaceId, n],
    );
    await run('ANALYZE tickets');
  });
}

type Node = PlanNode;

/** The plan of the statement GET /tickets runs for `principal` and `input` (the same builder, EXPLAINed). */
async function planOf(principal: Principal, input: Partial<FindTicketsInput>): Promise<Node> {
  return explain(h, await ticketListQuery(h.ctxFor(principal), { limit: 20, sort: '-createdAt', ...input }));
}

const INDEX_OF_SORT: Record<(typeof TICKET_SORT_FIELDS)[number], string> = {
  createdAt: 'tickets_workspace_created_idx',
  updatedAt: 'tickets_workspace_updated_idx',
  priority: 'tickets_workspace_priority_idx',
  number: 'tickets_workspace_number_key',
  status: 'tickets_workspace_status_id_idx',
};

/** The tickets are read by one index scan of `index`, in its order: no Sort of the workspace's rows, no table scan. */
function expectIndexWalk(root: Node, index: string) {
  const all = nodes(root);
  const reads = all.filter((n) => n['Relation Name'] === 'tickets');
  expect(
    reads.map((n) => [n['Node Type'], n['Index Name']]),
    JSON.stringify(root),
  ).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
  // `number` is unique in its workspace: an Incremental Sort on the id tiebreak sorts groups of one row.
  expect(
    all.filter((n) => n['Node Type'] === 'Sort'),
    JSON.stringify(root),
  ).toEqual([]);
  expect(root['Node Type'], JSON.stringify(root)).toBe('Limit');
}

describe('the ticket list is an index walk', () => {
  let team: Team;
  let agentPrincipal: Principal;

  beforeAll(async () => {
    team = await createTeam(h);
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    agentPrincipal = { kind: 'agent', agentId: agent.id, workspaceId: team.ws.id, name: agent.name, capabilities: [], credentialId: 'plan' };
    // Enough rows that reading and sorting the workspace would cost more than walking an index; another workspace
    // as large, so that the workspace condition matters.
    const other = await createWorkspace(h, team.owner.key);
    await seedTickets(team.ws.id, `tkt_lp_${team.ws.id}_`, 6000);
    await seedTickets(other.id, `tkt_lp_${other.id}_`, 6000);
  });

  it("an agent's default page (-createdAt) walks tickets_workspace_created_idx and stops after limit + 1 rows", async () => {
    const root = await planOf(agentPrincipal, {});
    expectIndexWalk(root, 'tickets_workspace_created_idx');
    expect(root['Plan Rows']).toBe(21);
  });

  it('every single-field sort, in both directions, walks its index (also with an offset of a few pages)', async () => {
    for (const field of TICKET_SORT_FIELDS) {
      for (const sort of [field, `-${field}`]) {
        expectIndexWalk(await planOf(agentPrincipal, { sort }), INDEX_OF_SORT[field]);
      }
    }
    expectIndexWalk(await planOf(agentPrincipal, { offset: 60 }), 'tickets_workspace_created_idx');
  });

  it('the workspace filter of a member walks the same index as an agent', async () => {
    const member: Principal = { kind: 'user', userId: team.member.id, name: 'Member', email: team.member.email, isInstanceAdmin: false, via: 'api_key', credentialId: 'plan' };
    expectIndexWalk(await planOf(member, { workspaceId: team.ws.id }), 'tickets_workspace_created_idx');
    expectIndexWalk(await planOf(member, { workspaceId: team.ws.id, sort: 'priority' }), 'tickets_workspace_priority_idx');
  });

  it('a member of several workspaces: one walk of the index per workspace, each stopped after offset + limit + 1 rows', async () => {
    const user = await h.newUser('Walker');
    const second = await createWorkspace(h, team.owner.key);
    await seedTickets(second.id, `tkt_lp_${second.id}_`, 3000);
    await addMember(h, h.admin.key, team.ws.id, user.email, 'member');
    await addMember(h, h.admin.key, second.id, user.email, 'viewer');
    const person: Principal = { kind: 'user', userId: user.id, name: 'Walker', email: user.email, isInstanceAdmin: false, via: 'api_key', credentialId: 'plan' };
    for (const [input, index] of [
      [{}, 'tickets_workspace_created_idx'],
      [{ sort: 'priority' }, 'tickets_workspace_priority_idx'],
      [{ sort: '-updatedAt', offset: 40 }, 'tickets_workspace_updated_idx'],
    ] as const) {
      const root = await planOf(person, input);
      const reads = nodes(root).filter((n) => n['Relation Name'] === 'tickets');
      expect(reads.map((n) => [n['Node Type'], n['Index Name']]), JSON.stringify(root)).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
      // The walk sits under its own Limit (inside the LATERAL subquery): the Sort above it sorts at most a page per workspace.
      const limits = nodes(root).filter((n) => n['Node Type'] === 'Limit' && nodes(n).some((m) => m['Relation Name'] === 'tickets'));
      expect(limits.length, JSON.stringify(root)).toBe(2);
    }
  });

  it('the instance admin (every workspace): one walk of the index per workspace too, in the order of one sorted list', async () => {
    const admin: Principal = { kind: 'user', userId: h.admin.id, name: 'Admin', email: h.admin.email, isInstanceAdmin: true, via: 'api_key', credentialId: 'plan' };
    const root = await planOf(admin, {});
    const reads = nodes(root).filter((n) => n['Relation Name'] === 'tickets');
    expect(reads.map((n) => [n['Node Type'], n['Index Name']]), JSON.stringify(root)).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), 'tickets_workspace_created_idx']]);
    const page = expectOk(await h.call('GET', '/api/v1/tickets?limit=30&sort=-updatedAt', { key: h.admin.key })) as { id: string; updatedAt: string }[];
    const newest = await onOneConnection(h, (run) => run('SELECT id FROM tickets ORDER BY updated_at DESC, id DESC LIMIT 30'));
    expect(page.map((t) => t.id)).toEqual(newest.map((r) => r.id));
  });

  it('a status filter of the board (pr_review, one in ten) on the default order reads the tickets through an index, never the table', async () => {
    const root = await planOf(agentPrincipal, { status: ['pr_review'] });
    const reads = nodes(root).filter((n) => n['Relation Name'] === 'tickets');
    expect(reads.length, JSON.stringify(root)).toBeGreaterThan(0);
    expect(reads.every((n) => n['Node Type'] !== 'Seq Scan'), JSON.stringify(root)).toBe(true);
  });
});

describe('meta.total', () => {
  let team: Team;
  const list = (q: string, key = team.member.key) => h.call('GET', `/api/v1/tickets?workspaceId=${team.ws.id}&sort=number&${q}`, { key });

  beforeAll(async () => {
    team = await createTeam(h);
    await seedTickets(team.ws.id, `tkt_lt_${team.ws.id}_`, 7);
    // Tickets the member cannot see, in a workspace of someone else: never counted.
    const elsewhere = await createWorkspace(h, team.owner.key);
    await seedTickets(elsewhere.id, `tkt_lt_${elsewhere.id}_`, 5);
  });

  it('by default counts nothing beyond the page: a lower bound with totalCapped while there is a next page, exact on the last', async () => {
    const first = await list('limit=3');
    expectOk(first);
    expect(first.body.meta).toEqual({ limit: 3, offset: 0, nextCursor: expect.any(String), total: 4, totalCapped: true });
    const second = await list('limit=3&offset=3');
    expect(second.body.meta).toEqual({ limit: 3, offset: 3, nextCursor: expect.any(String), total: 7, totalCapped: true });
    const last = await list('limit=3&offset=6');
    expect(last.body.data).toHaveLength(1);
    expect(last.body.meta).toEqual({ limit: 3, offset: 6, nextCursor: null, total: 7 });
    // A client paging with `offset + items < total` reads every ticket exactly once.
    const seen: string[] = [];
    for (let offset = 0, total = 1; offset < total; ) {
      const r = await list(`limit=2&offset=${offset}`);
      seen.push(...r.body.data.map((t: { id: string }) => t.id));
      offset += r.body.data.length;
      total = r.body.meta.total;
    }
    expect(new Set(seen).size).toBe(7);
    expect(seen).toHaveLength(7);
  });

  it('an offset past the end counts (it finds at most the offset), and says the exact total', async () => {
    const past = await list('limit=3&offset=9');
    expect(past.body.data).toEqual([]);
    expect(past.body.meta).toEqual({ limit: 3, offset: 9, nextCursor: null, total: 7 });
    expect((await list('limit=3&offset=7')).body.meta).toEqual({ limit: 3, offset: 7, nextCursor: null, total: 7 });
  });

  it('?total=exact counts the matching tickets the caller may see', async () => {
    expect((await list('limit=3&total=exact')).body.meta).toEqual({ limit: 3, offset: 0, nextCursor: expect.any(String), total: 7 });
    expect((await list('limit=3&total=exact&status=pr_review')).body.meta).toMatchObject({ total: 1 });
    expect((await list('limit=3&total=page')).body.meta).toMatchObject({ total: 4, totalCapped: true });
  });

  it('cursor pages carry no total; an unknown mode is a 400 naming the parameter', async () => {
    const first = await list('limit=3');
    const next = await list(`limit=3&cursor=${first.body.meta.nextCursor}&total=exact`);
    expect(next.body.meta).toEqual({ limit: 3, nextCursor: expect.any(String) });
    const bad = await list('limit=3&total=all');
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['total']);
  });

  it('a member of several workspaces gets a total over all of them (exact when asked)', async () => {
    const user = await h.newUser('Lister');
    const second = await createWorkspace(h, team.owner.key);
    await seedTickets(second.id, `tkt_lt_${second.id}_`, 2);
    await addMember(h, h.admin.key, team.ws.id, user.email, 'member');
    await addMember(h, h.admin.key, second.id, user.email, 'viewer');
    const all = (q: string) => h.call('GET', `/api/v1/tickets?${q}`, { key: user.key });
    expect((await all('limit=50')).body.meta).toMatchObject({ total: 9 });
    expect((await all('limit=50')).body.meta.totalCapped).toBeUndefined();
    expect((await all('limit=5&total=exact')).body.meta).toMatchObject({ total: 9 });
    expect((await all('limit=5')).body.meta).toMatchObject({ total: 6, totalCapped: true });
    // The merged walk answers what one sorted list of both workspaces would: in order, every ticket once, by cursor and by offset.
    const one = (await all('limit=50')).body.data as { id: string; createdAt: string; workspaceId: string }[];
    expect(new Set(one.map((t) => t.workspaceId))).toEqual(new Set([team.ws.id, second.id]));
    for (let i = 1; i < one.length; i++) expect(one[i - 1].createdAt > one[i].createdAt || (one[i - 1].createdAt === one[i].createdAt && one[i - 1].id > one[i].id)).toBe(true);
    const walked: string[] = [];
    for (let cursor = ''; ; ) {
      const r = await all(`limit=2${cursor}`);
      walked.push(...r.body.data.map((t: { id: string }) => t.id));
      if (!r.body.meta.nextCursor) break;
      cursor = `&cursor=${r.body.meta.nextCursor}`;
    }
    expect(walked).toEqual(one.map((t) => t.id));
    expect((await all('limit=3&offset=4')).body.data.map((t: { id: string }) => t.id)).toEqual(one.slice(4, 7).map((t) => t.id));
    expect((await all('limit=3&offset=4&sort=number')).body.data).toHaveLength(3);
  });
});
