// Every list other than tickets at scale (issue 13, point 1; tickets: tickets-list.int.test.ts): the default order and
// every single-field sort, with and without the common filters, for an agent and for a person of several workspaces,
// is a walk of an index that stops after the page (EXPLAIN of the very statement the list runs, on the database under
// test); and `meta.total` costs nothing beyond the page unless `?total=exact` asks (docs/adr/0016-list-totals.md).
import {
  AGENT_SORT_FIELDS,
  agentListQuery,
  commentListQuery,
  deliveryListQuery,
  EXECUTION_SORT_FIELDS,
  executionListQuery,
  MEMBER_SORT_FIELDS,
  memberListQuery,
  notificationListQuery,
  USER_SORT_FIELDS,
  userListQuery,
  WEBHOOK_DELIVERY_SORT_FIELDS,
  WEBHOOK_SORT_FIELDS,
  webhookListQuery,
  type Principal,
} from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { addMember, createWorkspace, expectOk } from './helpers';
import { explain as explainPlan, nodes, onOneConnection, type PlanNode } from './plans';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const run = (text: string, params: unknown[] = []) => onOneConnection(h, (q) => q(text, params));
type Node = PlanNode;
const explain = (statement: { toSQL(): { sql: string; params: unknown[] } }) => explainPlan(h, statement);

/** `table` is read by exactly one index scan, of `index`, in its order: no Sort anywhere, a Limit on top. */
function expectIndexWalk(root: Node, table: string, index: string) {
  const all = nodes(root);
  expect(
    all.filter((n) => n['Relation Name'] === table).map((n) => [n['Node Type'], n['Index Name']]),
    JSON.stringify(root),
  ).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
  expect(
    all.filter((n) => n['Node Type'].endsWith('Sort')),
    JSON.stringify(root),
  ).toEqual([]);
  expect(root['Node Type'], JSON.stringify(root)).toBe('Limit');
}

/**
 * Several workspaces: `table` is read by one index scan of `index` per workspace (a LATERAL walk), under its own
 * Limit; the Sort above merges at most a page per workspace.
 */
function expectWalkPerWorkspace(root: Node, table: string, index: string) {
  const all = nodes(root);
  expect(
    all.filter((n) => n['Relation Name'] === table).map((n) => [n['Node Type'], n['Index Name']]),
    JSON.stringify(root),
  ).toEqual([[expect.stringMatching(/^Index (Only )?Scan$/), index]]);
  const limits = all.filter((n) => n['Node Type'] === 'Limit' && nodes(n).some((m) => m['Relation Name'] === table));
  expect(limits.length, JSON.stringify(root)).toBe(2);
}

const both = (field: string) => [field, `-${field}`];
const userPrincipal = (u: { id: string; email: string }): Principal => ({ kind: 'user', userId: u.id, name: 'Lister', email: u.email, isInstanceAdmin: false, via: 'api_key', credentialId: 'plan' });

let team: Team;
let other: { id: string };
let agentPrincipal: Principal;
let agentId: string;
let agentKeyValue: string;
let ticketId: string;
let webhookId: string;

beforeAll(async () => {
  team = await createTeam(h);
  const agent = await activeAgent(h, team.admin.key, team.ws.slug);
  agentId = agent.id;
  agentKeyValue = agent.key;
  agentPrincipal = { kind: 'agent', agentId: agent.id, workspaceId: team.ws.id, name: agent.name, capabilities: [], credentialId: 'plan' };
  // A second workspace of the same owner, as large: the workspace condition matters, and the owner administers two.
  other = await createWorkspace(h, team.owner.key);
  const N = 6000;
  for (const [ws, tag] of [
    [team.ws.id, 'a'],
    [other.id, 'b'],
  ] as const) {
    const p = `${tag}${ws}`;
    await run(
      `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash, created_at, updated_at)
       SELECT 'agt_lp_' || $1 || g, $2, 'bot-' || $1 || '-' || g, (ARRAY['active', 'active', 'pending', 'deactivated', 'deleted'])[g % 5 + 1], 'x',
         now() - make_interval(secs => g * 60), now() - make_interval(secs => (g * 7919) % 500000)
       FROM generate_series(1, $3::int) g`,
      [p, ws, N],
    );
    await run(
      `INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind) VALUES ('tkt_lp_' || $1, $2, 900001, 'commented', 'todo', 1, 'user')`,
      [p, ws],
    );
    await run(
      `INSERT INTO comments (id, workspace_id, ticket_id, author_kind, author_name, body, created_at)
       SELECT 'cmt_lp_' || $1 || g, $2, 'tkt_lp_' || $1, 'user', 'someone', 'comment ' || g, now() - make_interval(secs => g * 60)
       FROM generate_series(1, $3::int) g`,
      [p, ws, N],
    );
    await run(
      `INSERT INTO executions (id, workspace_id, agent_id, status, started_at, duration_ms, cost_usd, model)
       SELECT 'exe_lp_' || $1 || g, $2, CASE WHEN g % 10 = 0 THEN $4 ELSE 'agt_lp_' || $1 || (g % 50 + 1) END,
         (ARRAY['success', 'success', 'success', 'failed', 'blocked'])[g % 5 + 1], now() - make_interval(secs => g * 60),
         (g * 7919) % 600000, ((g * 104729) % 100000) / 1000.0, 'model-' || g % 3
       FROM generate_series(1, $3::int) g`,
      [p, ws, N, agentId],
    );
    await run(
      `INSERT INTO webhook_endpoints (id, workspace_id, url, secret, status, created_at, updated_at)
       SELECT 'whk_lp_' || $1 || g, $2, 'https://hooks.example.com/' || md5($1 || g), 'whsec_x', CASE WHEN g % 7 = 0 THEN 'disabled' ELSE 'enabled' END,
         now() - make_interval(secs => g * 60), now()
       FROM generate_series(1, $3::int) g`,
      [p, ws, N],
    );
    await run(
      `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type, payload, status, max_attempts, attempt_count,
         next_attempt_at, last_attempt_at, created_at)
       SELECT 'whd_lp_' || $1 || g, $2, 'whk_lp_' || $1 || (g % 3 + 1), 'evt_lp_' || $1 || g, 'ticket.created', '{}'::jsonb,
         (ARRAY['succeeded', 'succeeded', 'succeeded', 'failed', 'pending'])[g % 5 + 1], 5, 1,
         CASE WHEN g % 5 = 4 THEN now() + make_interval(secs => g) END, now() - make_interval(secs => g * 30), now() - make_interval(secs => g * 60)
       FROM generate_series(1, $3::int) g`,
      [p, ws, N],
    );
  }
  // The agent's notifications, half of them in its workspace, one in ten unread; another recipient as many.
  await run(
    `INSERT INTO notifications (id, workspace_id, recipient_kind, recipient_id, type, content, event_id, read_at, created_at)
     SELECT 'ntf_lp_' || g, CASE WHEN g % 2 = 0 THEN $1 ELSE $2 END, 'agent', CASE WHEN g % 3 = 0 THEN 'agt_someone_else' ELSE $3 END,
       'mention', 'n ' || g, 'evt_n_' || g, CASE WHEN g % 10 <> 0 THEN now() END, now() - make_interval(secs => g * 60)
     FROM generate_series(1, $4::int) g`,
    [team.ws.id, other.id, agentId, 3 * N],
  );
  // Users, every one of them a member of the team's workspace.
  await run(
    `INSERT INTO users (id, email, name, created_at, updated_at)
     SELECT 'usr_lp_' || g, 'lp' || g || '@lists.example.com', 'Person ' || md5(g::text), now() - make_interval(secs => g * 60), now()
     FROM generate_series(1, $1::int) g`,
    [N],
  );
  await run(
    `INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
     SELECT $1, 'usr_lp_' || g, (ARRAY['member', 'viewer', 'admin'])[g % 3 + 1], now() - make_interval(secs => g * 60), now()
     FROM generate_series(1, $2::int) g`,
    [team.ws.id, N],
  );
  await run('ANALYZE');
  webhookId = `whk_lp_a${team.ws.id}1`;
  ticketId = `tkt_lp_a${team.ws.id}`;
});

describe('agents', () => {
  const INDEX: Record<(typeof AGENT_SORT_FIELDS)[number], string> = {
    createdAt: 'agents_workspace_created_idx',
    updatedAt: 'agents_workspace_updated_idx',
    name: 'agents_workspace_sort_name_idx',
    status: 'agents_workspace_status_id_idx',
  };
  const plan = async (p: Principal, input: object) => explain((await agentListQuery(h.ctxFor(p), { limit: 20, sort: '-createdAt', ...input })).statement);

  it('an agent: the default order and every sort, both ways, also at an offset of a few pages, walk their index', async () => {
    const root = await plan(agentPrincipal, {});
    expectIndexWalk(root, 'agents', INDEX.createdAt);
    expect(root['Plan Rows']).toBe(21);
    for (const field of AGENT_SORT_FIELDS) for (const sort of both(field)) expectIndexWalk(await plan(agentPrincipal, { sort }), 'agents', INDEX[field]);
    expectIndexWalk(await plan(agentPrincipal, { offset: 60 }), 'agents', INDEX.createdAt);
    expectIndexWalk(await plan(agentPrincipal, { status: 'pending' }), 'agents', 'agents_workspace_status_idx');
  });

  it('a member naming the workspace walks the same indexes; without it, one walk per workspace', async () => {
    const member = userPrincipal(team.owner);
    for (const field of AGENT_SORT_FIELDS) {
      expectIndexWalk(await plan(member, { workspaceId: team.ws.id, sort: field }), 'agents', INDEX[field]);
      expectWalkPerWorkspace(await plan(member, { sort: `-${field}` }), 'agents', INDEX[field]);
    }
    expectWalkPerWorkspace(await plan(member, { offset: 40 }), 'agents', INDEX.createdAt);
  });

  it('the merged walk answers what one sorted list of both workspaces would, by offset and by cursor', async () => {
    const all = (q: string) => h.call('GET', `/api/v1/agents?${q}`, { key: team.owner.key });
    const expected = (await run(`SELECT id FROM agents WHERE workspace_id IN ($1, $2) AND status <> 'deleted' ORDER BY name, id LIMIT 60`, [team.ws.id, other.id])).map((r) => r.id);
    const byOffset = [...(expectOk(await all('sort=name&limit=30')) as { id: string }[]), ...(expectOk(await all('sort=name&limit=30&offset=30')) as { id: string }[])];
    expect(byOffset.map((a) => a.id)).toEqual(expected);
    const first = await all('sort=name&limit=30');
    const second = await all(`sort=name&limit=30&cursor=${first.body.meta.nextCursor}`);
    expect([...first.body.data, ...second.body.data].map((a: { id: string }) => a.id)).toEqual(expected);
  });
});

describe('comments', () => {
  it("a ticket's comments, both ways and at an offset, walk comments_ticket_idx", async () => {
    for (const input of [{ sort: 'createdAt' }, { sort: '-createdAt' }, { sort: 'createdAt', offset: 60 }]) {
      expectIndexWalk(await explain(commentListQuery(h.ctxFor(agentPrincipal), ticketId, { limit: 20, ...input }).statement), 'comments', 'comments_ticket_idx');
    }
  });
});

describe('notifications', () => {
  const plan = async (input: object) => explain((await notificationListQuery(h.ctxFor(agentPrincipal), { limit: 20, sort: '-createdAt', ...input })).statement);

  it('newest first, also unread only, in one workspace, by cursor and at an offset, each walk an index of the recipient', async () => {
    expectIndexWalk(await plan({}), 'notifications', 'notifications_recipient_idx');
    expectIndexWalk(await plan({ sort: 'createdAt', offset: 60 }), 'notifications', 'notifications_recipient_idx');
    expectIndexWalk(await plan({ unread: true }), 'notifications', 'notifications_unread_idx');
    expectIndexWalk(await plan({ workspaceId: team.ws.id }), 'notifications', 'notifications_recipient_workspace_idx');
    const first = expectOk(await h.call('GET', '/api/v1/notifications?limit=20&unread=true', { key: agentKeyValue }));
    expect(first).toHaveLength(20);
  });

  it('unreadCount is counted up to 1,000 (as it always was), whatever the page', async () => {
    const r = await h.call('GET', '/api/v1/notifications?limit=5', { key: agentKeyValue });
    // 18,000 seeded, two in three for the agent, one in ten of those unread: 1,200, counted up to the cap.
    expect(r.body.meta.unreadCount).toBe(1000);
  });
});

describe('executions', () => {
  const INDEX: Record<(typeof EXECUTION_SORT_FIELDS)[number], string> = {
    startedAt: 'executions_workspace_started_idx',
    durationMs: 'executions_workspace_duration_idx',
    costUsd: 'executions_workspace_cost_idx',
  };
  const plan = async (p: Principal, input: object) => {
    const q = await executionListQuery(h.ctxFor(p), { limit: 20, sort: '-startedAt', ...input });
    return explain(q.statement!);
  };

  it('an agent: the default order and every sort, both ways, at an offset too, walk their index', async () => {
    const root = await plan(agentPrincipal, {});
    expectIndexWalk(root, 'executions', INDEX.startedAt);
    for (const field of EXECUTION_SORT_FIELDS) for (const sort of both(field)) expectIndexWalk(await plan(agentPrincipal, { sort }), 'executions', INDEX[field]);
    expectIndexWalk(await plan(agentPrincipal, { offset: 60 }), 'executions', INDEX.startedAt);
  });

  it('the status filter (one status) and the agent filter walk their own index', async () => {
    expectIndexWalk(await plan(agentPrincipal, { status: ['failed'] }), 'executions', 'executions_status_started_idx');
    expectIndexWalk(await plan(agentPrincipal, { agentId }), 'executions', 'executions_agent_started_idx');
  });

  it('a member naming the workspace walks the same index; without it, one walk per workspace', async () => {
    const member = userPrincipal(team.owner);
    for (const field of EXECUTION_SORT_FIELDS) {
      expectIndexWalk(await plan(member, { workspaceId: team.ws.id, sort: `-${field}` }), 'executions', INDEX[field]);
      expectWalkPerWorkspace(await plan(member, { sort: `-${field}` }), 'executions', INDEX[field]);
    }
    const expected = (await run(`SELECT id FROM executions WHERE workspace_id IN ($1, $2) ORDER BY coalesce(cost_usd, -1) DESC, id DESC LIMIT 25`, [team.ws.id, other.id])).map((r) => r.id);
    const page = expectOk(await h.call('GET', '/api/v1/executions?sort=-costUsd&limit=20&offset=5', { key: team.owner.key })) as { id: string; agentName: string | null }[];
    expect(page.map((e) => e.id)).toEqual(expected.slice(5));
    // The merged rows keep the joined agent's name (a column of the walk, read through its alias).
    const names = new Map((await run(`SELECT e.id, a.name FROM executions e LEFT JOIN agents a ON a.id = e.agent_id WHERE e.id = ANY($1)`, [page.map((e) => e.id)])).map((r) => [r.id, r.name]));
    expect(page.map((e) => e.agentName)).toEqual(page.map((e) => names.get(e.id) ?? null));
    expect(page.some((e) => e.agentName !== null)).toBe(true);
  });
});

describe('webhooks and deliveries', () => {
  const WEBHOOK_INDEX: Record<(typeof WEBHOOK_SORT_FIELDS)[number], string> = {
    createdAt: 'webhook_endpoints_workspace_idx',
    url: 'webhook_endpoints_workspace_url_idx',
    status: 'webhook_endpoints_workspace_status_idx',
  };
  const DELIVERY_INDEX: Record<(typeof WEBHOOK_DELIVERY_SORT_FIELDS)[number], string> = {
    createdAt: 'webhook_deliveries_workspace_idx',
    nextAttemptAt: 'webhook_deliveries_workspace_next_idx',
    lastAttemptAt: 'webhook_deliveries_workspace_last_idx',
  };

  it('webhooks: every sort in a workspace, and per workspace the owner administers', async () => {
    const owner = userPrincipal(team.owner);
    const plan = async (input: object) => explain((await webhookListQuery(h.ctxFor(owner), { limit: 20, sort: '-createdAt', ...input })).statement);
    for (const field of WEBHOOK_SORT_FIELDS) {
      for (const sort of both(field)) expectIndexWalk(await plan({ workspaceId: team.ws.id, sort }), 'webhook_endpoints', WEBHOOK_INDEX[field]);
      expectWalkPerWorkspace(await plan({ sort: field }), 'webhook_endpoints', WEBHOOK_INDEX[field]);
    }
    expectIndexWalk(await plan({ workspaceId: team.ws.id, offset: 60 }), 'webhook_endpoints', WEBHOOK_INDEX.createdAt);
  });

  it('deliveries: every sort in a workspace, the status filter, one endpoint, and per administered workspace', async () => {
    const owner = userPrincipal(team.owner);
    const plan = async (input: object) => explain((await deliveryListQuery(h.ctxFor(owner), { limit: 20, sort: '-createdAt', ...input })).statement);
    for (const field of WEBHOOK_DELIVERY_SORT_FIELDS) {
      for (const sort of both(field)) expectIndexWalk(await plan({ workspaceId: team.ws.id, sort }), 'webhook_deliveries', DELIVERY_INDEX[field]);
      expectWalkPerWorkspace(await plan({ sort: `-${field}` }), 'webhook_deliveries', DELIVERY_INDEX[field]);
    }
    expectIndexWalk(await plan({ workspaceId: team.ws.id, offset: 60 }), 'webhook_deliveries', DELIVERY_INDEX.createdAt);
    expectIndexWalk(await plan({ workspaceId: team.ws.id, status: 'failed' }), 'webhook_deliveries', 'webhook_deliveries_workspace_status_idx');
    expectIndexWalk(await plan({ webhookId }), 'webhook_deliveries', 'webhook_deliveries_webhook_idx');
  });
});

describe('users and members', () => {
  const USER_INDEX: Record<(typeof USER_SORT_FIELDS)[number], string> = {
    email: 'users_sort_email_idx',
    name: 'users_name_idx',
    createdAt: 'users_created_idx',
  };
  const admin = (): Principal => ({ kind: 'user', userId: h.admin.id, name: 'Admin', email: h.admin.email, isInstanceAdmin: true, via: 'api_key', credentialId: 'plan' });

  it('users: every sort, both ways, at an offset too, walks its index', async () => {
    for (const field of USER_SORT_FIELDS) {
      for (const sort of both(field)) expectIndexWalk(await explain(userListQuery(h.ctxFor(admin()), { limit: 20, sort }).statement), 'users', USER_INDEX[field]);
    }
    expectIndexWalk(await explain(userListQuery(h.ctxFor(admin()), { limit: 20, sort: 'email', offset: 60 }).statement), 'users', USER_INDEX.email);
  });

  it('members of a large workspace: by join date and role a walk of the memberships, by name and e-mail a walk of the users', async () => {
    const INDEX: Record<(typeof MEMBER_SORT_FIELDS)[number], [string, string]> = {
      name: ['users', 'users_name_idx'],
      email: ['users', 'users_sort_email_idx'],
      createdAt: ['memberships', 'memberships_workspace_created_idx'],
      role: ['memberships', 'memberships_workspace_role_idx'],
    };
    for (const field of MEMBER_SORT_FIELDS) {
      for (const sort of both(field)) {
        const root = await explain(memberListQuery(h.ctxFor(admin()), team.ws.id, { limit: 20, sort }).statement);
        const [table, index] = INDEX[field];
        const all = nodes(root);
        expect(all.filter((n) => n['Relation Name'] === table).map((n) => n['Index Name']), JSON.stringify(root)).toEqual([index]);
        expect(all.filter((n) => n['Node Type'].endsWith('Sort') || n['Node Type'] === 'Seq Scan'), JSON.stringify(root)).toEqual([]);
        expect(root['Node Type'], JSON.stringify(root)).toBe('Limit');
      }
    }
  });

  it('without limit both answer the whole list, as v1 always did; a page of 20 pages', async () => {
    const all = await h.call('GET', `/api/v1/workspaces/${team.ws.id}/members`, { key: team.owner.key });
    expect(all.body.data).toHaveLength(1000);
    expect(all.body.meta).toEqual(expect.objectContaining({ limit: 1000, offset: 0, total: 1001, totalCapped: true }));
    const page = await h.call('GET', `/api/v1/workspaces/${team.ws.id}/members?limit=20&sort=-createdAt`, { key: team.owner.key });
    expect(page.body.data).toHaveLength(20);
    const next = await h.call('GET', `/api/v1/workspaces/${team.ws.id}/members?limit=20&sort=-createdAt&cursor=${page.body.meta.nextCursor}`, { key: team.owner.key });
    const joined = (await run(`SELECT user_id FROM memberships WHERE workspace_id = $1 ORDER BY created_at DESC, user_id DESC LIMIT 40`, [team.ws.id])).map((r) => r.user_id);
    expect([...page.body.data, ...next.body.data].map((m: { userId: string }) => m.userId)).toEqual(joined);
    const users = await h.call('GET', '/api/v1/users?limit=20&sort=name', { key: h.admin.key });
    expect(users.body.data).toHaveLength(20);
    expect((await h.call('GET', '/api/v1/users?limit=20&total=exact', { key: h.admin.key })).body.meta.total).toBe(Number((await run('SELECT count(*) AS n FROM users'))[0].n));
  });
});

describe('meta.total on every list (ADR 0016)', () => {
  it('by default a lower bound while more follow, exact on the last page and when asked; v1 keeps an integer total', async () => {
    const owner = team.owner.key;
    const key = agentKeyValue;
    for (const [path, k, exact] of [
      [`/api/v1/agents?workspaceId=${team.ws.id}`, owner, 4801],
      [`/api/v1/tickets/${ticketId}/comments?x=1`, owner, 6000],
      [`/api/v1/notifications?unread=true`, key, 1200],
      [`/api/v1/executions?workspaceId=${team.ws.id}`, owner, 6000],
      [`/api/v1/webhooks?workspaceId=${team.ws.id}`, owner, 6000],
      [`/api/v1/webhook-deliveries?workspaceId=${team.ws.id}`, owner, 6000],
    ] as const) {
      const page = await h.call('GET', `${path}&limit=5&offset=10`, { key: k });
      expect(page.body.meta, path).toEqual(expect.objectContaining({ limit: 5, offset: 10, total: 16, totalCapped: true }));
      const counted = await h.call('GET', `${path}&limit=5&total=exact`, { key: k });
      expect(counted.body.meta.total, path).toBe(exact);
      expect(counted.body.meta.totalCapped, path).toBeUndefined();
      const last = await h.call('GET', `${path}&limit=5&offset=${exact - 2}`, { key: k });
      expect(last.body.data, path).toHaveLength(2);
      expect(last.body.meta, path).toEqual(expect.objectContaining({ total: exact, nextCursor: null }));
      expect(last.body.meta.totalCapped, path).toBeUndefined();
      const past = await h.call('GET', `${path}&limit=5&offset=${exact + 3}`, { key: k });
      expect(past.body.meta, path).toEqual(expect.objectContaining({ total: exact }));
    }
  });
});
