// Crons (issue 14) through the REST API on a real database: CRUD, validation errors naming the field, who may do what
// across workspaces (hiddenTargets, can), the global view's filters and paging, what an agent sees, "run now", the
// runs list with the cost of the executions that carry a run's id, `cronRunId` on executions, and costs by cron.
import { cronRunId, CRONS_CHANNEL } from '@mc/core';
import { cronRuns, queryRaw } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
let A: Team;
let B: Team;
let agentA: { id: string; key: string };
let agentA2: { id: string; key: string };
let agentB: { id: string; key: string };
/** A user who is admin in both A and B (through the instance admin). */
let both: Awaited<ReturnType<Harness['newUser']>>;
let outsider: Awaited<ReturnType<Harness['newUser']>>;
let outsiderWs: { id: string; slug: string };
let outsiderAgent: { id: string; key: string };

const cronBody = (extra: Record<string, unknown> = {}) => ({
  name: 'Nightly report',
  schedule: '0 9 * * 1-5',
  timezone: 'Europe/Berlin',
  targets: [{ workspaceId: A.ws.id, agentId: agentA.id }],
  task: { title: 'Write the report', instructions: 'Summarise yesterday', labels: ['report'], priority: 'high', createTicket: true },
  ...extra,
});

/** What the scheduler (issue 14's runner) writes on a cron: set here directly. `assignments` is test-written SQL. */
async function setCron(id: string, assignments: string) {
  await queryRaw(h.database.db, `crons_test_${Math.random().toString(36).slice(2)}`, `UPDATE crons SET ${assignments} WHERE id = $1`, [id]);
}

async function create(key: string, extra: Record<string, unknown> = {}) {
  return expectOk(await h.call('POST', '/api/v1/crons', { key, body: cronBody(extra) }), 201);
}

beforeAll(async () => {
  h = await createHarness();
  [A, B] = await Promise.all([createTeam(h), createTeam(h)]);
  agentA = await activeAgent(h, A.owner.key, A.ws.id);
  agentA2 = await activeAgent(h, A.owner.key, A.ws.id);
  agentB = await activeAgent(h, B.owner.key, B.ws.id);
  both = await h.newUser('Both');
  await addMember(h, h.admin.key, A.ws.id, both.email, 'admin');
  await addMember(h, h.admin.key, B.ws.id, both.email, 'admin');
  outsider = await h.newUser('Outsider');
  outsiderWs = await createWorkspace(h, outsider.key);
  outsiderAgent = await activeAgent(h, outsider.key, outsiderWs.id);
});

afterAll(async () => {
  await h?.close();
});

describe('CRUD', () => {
  it('creates a cron and reads it back with next runs, words, status, owner and what the caller may do', async () => {
    const c = await create(A.owner.key);
    expect(c.id).toMatch(/^crn_/);
    expect(c).toMatchObject({
      name: 'Nightly report',
      schedule: '0 9 * * 1-5',
      scheduleKind: 'cron',
      timezone: 'Europe/Berlin',
      description: 'At 09:00, Monday through Friday (Europe/Berlin)',
      status: 'active',
      enabled: true,
      owner: 'mission_control',
      hiddenTargets: 0,
      targets: [{ workspaceId: A.ws.id, agentId: agentA.id, agentStatus: 'active' }],
      task: { title: 'Write the report', instructions: 'Summarise yesterday', labels: ['report'], priority: 'high', createTicket: true },
      retry: { maxAttempts: 1, backoff: 'exponential', baseSeconds: 60, maxSeconds: 3600 },
      concurrency: 'skip',
      catchUp: 'once',
      lastRun: null,
      successRate: null,
      can: { edit: true, run: true, delete: true },
      version: 1,
    });
    expect(c.nextRuns).toHaveLength(3);
    for (const t of c.nextRuns) {
      expect(t).toMatch(/Z$/);
      // 09:00 in Berlin is 07:00 or 08:00 UTC, on a weekday.
      const d = new Date(t);
      expect([7, 8]).toContain(d.getUTCHours());
      expect([1, 2, 3, 4, 5]).toContain(d.getUTCDay());
    }
    expect(c.nextDueAt).toBe(c.nextRuns[0]);
    const got = expectOk(await h.call('GET', `/api/v1/crons/${c.id}`, { key: A.member.key }));
    expect(got).toMatchObject({ id: c.id, can: { edit: false, run: false, delete: false } });
    // The scheduler's due index is filled.
    const row = await h.database.db.query.crons.findFirst({ where: (x, { eq }) => eq(x.id, c.id) });
    expect(row?.nextDueAt?.toISOString()).toBe(c.nextRuns[0]);
  });

  it('pauses (no next due time), resumes (from now), edits the schedule; If-Match guards the version', async () => {
    const c = await create(A.owner.key, { schedule: '@every 15m', timezone: 'UTC' });
    expect(c.description).toBe('Every 15 minutes');
    const stale = await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: A.owner.key, body: { name: 'x' }, headers: { 'if-match': '7' } });
    expect(expectError(stale, 409, 'CONFLICT').details).toMatchObject({ reason: 'stale_version', currentVersion: 1 });

    const paused = expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: A.owner.key, body: { enabled: false }, headers: { 'if-match': '1' } }));
    expect(paused).toMatchObject({ status: 'paused', enabled: false, nextRuns: [], nextDueAt: null, version: 2 });
    const resumed = expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: A.owner.key, body: { enabled: true, version: 2 } }));
    expect(resumed.status).toBe('active');
    expect(new Date(resumed.nextDueAt).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(new Date(resumed.nextDueAt).getTime() % 900_000).toBe(0);

    const edited = expectOk(
      await h.call('PATCH', `/api/v1/crons/${c.id}`, {
        key: A.owner.key,
        body: { schedule: '30 2 * * *', timezone: 'America/New_York', retry: { maxAttempts: 3 }, task: { title: 'New title' }, concurrency: 'allow' },
      }),
    );
    expect(edited).toMatchObject({
      schedule: '30 2 * * *',
      timezone: 'America/New_York',
      retry: { maxAttempts: 3, backoff: 'exponential', baseSeconds: 60, maxSeconds: 3600 },
      task: { title: 'New title', instructions: 'Summarise yesterday' },
      concurrency: 'allow',
      version: 4,
    });
    expect(edited.nextDueAt).toBe(edited.nextRuns[0]);
    // Activity for every change.
    const log = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${A.ws.id}&action=cron.*&limit=200`, { key: A.owner.key }));
    const mine = log.filter((e: { target: { id: string } }) => e.target.id === c.id).map((e: { action: string }) => e.action);
    expect(mine.sort()).toEqual(['cron.created', 'cron.paused', 'cron.resumed', 'cron.updated']);
  });

  it('deletes a cron: its answer once, then 404; events go to every targeted workspace', async () => {
    const c = await create(both.key, { targets: [{ workspaceId: A.ws.id, agentId: agentA.id }, { workspaceId: B.ws.slug, agentId: agentB.id }] });
    expect(c.targets.map((t: { workspaceId: string }) => t.workspaceId)).toEqual([A.ws.id, B.ws.id]);
    const gone = expectOk(await h.call('DELETE', `/api/v1/crons/${c.id}`, { key: both.key }));
    expect(gone.id).toBe(c.id);
    expectError(await h.call('GET', `/api/v1/crons/${c.id}`, { key: both.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/v1/crons/${c.id}`, { key: both.key }), 404, 'NOT_FOUND');
    const evs = await h.database.db.query.events.findMany({ where: (x, { eq }) => eq(x.type, 'cron.created') });
    const forC = evs.filter((e) => (e.data as { cron: { id: string } }).cron.id === c.id).map((e) => e.workspaceId);
    expect(forC.sort()).toEqual([A.ws.id, B.ws.id].sort());
    const deleted = await h.database.db.query.events.findMany({ where: (x, { eq }) => eq(x.type, 'cron.deleted') });
    expect(deleted.filter((e) => (e.data as { cron: { id: string } }).cron.id === c.id)).toHaveLength(2);
  });

  it('wakes the scheduler on its channel when a cron changes', async () => {
    expect(CRONS_CHANNEL).toBe('mc_crons');
    const heard: { cronId: string; change: string; nextDueAt: string | null }[] = [];
    let wake: () => void = () => {};
    const unlisten = await h.database.listen(CRONS_CHANNEL, (payload: string) => {
      heard.push(JSON.parse(payload));
      wake();
    });
    try {
      const c = await create(A.owner.key);
      await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: A.owner.key, body: { enabled: false } });
      const mine = () => heard.filter((x) => x.cronId === c.id);
      // Notifications arrive asynchronously after the commit: wait for both (the test's timeout bounds the wait).
      while (mine().length < 2) await new Promise<void>((r) => (wake = r));
      expect(mine().map((x) => x.change)).toEqual(['created', 'updated']);
      expect(mine()[1].nextDueAt).toBeNull();
    } finally {
      await unlisten();
    }
  });
});

describe('validation: 400 naming the field', () => {
  const cases: [string, () => Record<string, unknown>, string][] = [
    ['an invalid expression', () => ({ schedule: '61 * * * *' }), 'schedule'],
    ['six fields', () => ({ schedule: '0 0 9 * * *' }), 'schedule'],
    ['a day that never comes', () => ({ schedule: '0 0 30 2 *' }), 'schedule'],
    ['@every under a minute', () => ({ schedule: '@every 30s' }), 'schedule'],
    ['@once in the past', () => ({ schedule: '@once 2001-01-01T00:00:00Z' }), 'schedule'],
    ['an unknown time zone', () => ({ timezone: 'Mars/Olympus' }), 'timezone'],
    ['an agent of another workspace', () => ({ targets: [{ workspaceId: A.ws.id, agentId: agentB.id }] }), 'targets.0.agentId'],
    ['an agent twice', () => ({ targets: [{ workspaceId: A.ws.id, agentId: agentA.id }, { workspaceId: A.ws.id, agentId: agentA.id }] }), 'targets.1.agentId'],
    ['no target', () => ({ targets: [] }), 'targets'],
    ['a retry cap below its base', () => ({ retry: { maxAttempts: 2, backoff: 'fixed', baseSeconds: 600, maxSeconds: 60 } }), 'retry.maxSeconds'],
    ['too many attempts', () => ({ retry: { maxAttempts: 99 } }), 'retry.maxAttempts'],
    ['an unknown concurrency', () => ({ concurrency: 'sometimes' }), 'concurrency'],
  ];
  it.each(cases)('%s', async (_, extra, field) => {
    const r = await h.call('POST', '/api/v1/crons', { key: A.owner.key, body: cronBody(extra()) });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toContain(field);
  });

  it('PATCH and the preview name the field too', async () => {
    const c = await create(A.owner.key);
    const r = await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: A.owner.key, body: { timezone: 'Nowhere/Land' } });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['timezone']);
    const p = await h.call('POST', '/api/v1/crons/preview', { key: A.viewer.key, body: { schedule: '@every 10x' } });
    expectError(p, 400, 'VALIDATION_ERROR');
    expect(issueFields(p)).toEqual(['schedule']);
  });

  it('the preview answers the server rules: words and next runs in UTC', async () => {
    const p = expectOk(await h.call('POST', '/api/v1/crons/preview', { key: A.viewer.key, body: { schedule: '30 2 * * *', timezone: 'europe/berlin', count: 5 } }));
    expect(p).toMatchObject({ schedule: '30 2 * * *', scheduleKind: 'cron', timezone: 'Europe/Berlin', description: 'At 02:30 (Europe/Berlin)' });
    expect(p.nextRuns).toHaveLength(5);
    expect(expectOk(await h.call('POST', '/api/v1/crons/preview', { key: agentA.key, body: { schedule: '@every 1h30m' } })).description).toBe('Every 1 hour 30 minutes');
  });
});

describe('who may do what across workspaces', () => {
  let shared: { id: string };
  beforeAll(async () => {
    shared = await create(both.key, { name: 'Cross', targets: [{ workspaceId: A.ws.id, agentId: agentA.id }, { workspaceId: B.ws.id, agentId: agentB.id }] });
  });

  it("an admin of one targeted workspace sees it with the other's targets hidden, and may not change it", async () => {
    const seen = expectOk(await h.call('GET', `/api/v1/crons/${shared.id}`, { key: A.owner.key }));
    expect(seen.targets).toEqual([{ workspaceId: A.ws.id, agentId: agentA.id, agentName: expect.any(String), agentStatus: 'active' }]);
    expect(seen.hiddenTargets).toBe(1);
    expect(seen.can).toEqual({ edit: false, run: false, delete: false, setMissedRunPolicy: false });
    expect(JSON.stringify(seen)).not.toContain(B.ws.id);
    expectError(await h.call('PATCH', `/api/v1/crons/${shared.id}`, { key: A.owner.key, body: { name: 'mine' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', `/api/v1/crons/${shared.id}/run`, { key: A.owner.key }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', `/api/v1/crons/${shared.id}`, { key: A.owner.key }), 403, 'FORBIDDEN');
    // Seen from B the other way round.
    const fromB = expectOk(await h.call('GET', `/api/v1/crons/${shared.id}`, { key: B.viewer.key }));
    expect(fromB.targets.map((t: { agentId: string }) => t.agentId)).toEqual([agentB.id]);
    expect(fromB.hiddenTargets).toBe(1);
    // Admin in both, and the instance admin, see everything and may change it.
    for (const key of [both.key, h.admin.key]) {
      const full = expectOk(await h.call('GET', `/api/v1/crons/${shared.id}`, { key }));
      expect(full.hiddenTargets).toBe(0);
      expect(full.can).toEqual({ edit: true, run: true, delete: true, setMissedRunPolicy: false });
    }
  });

  it('creating needs admin rights in every targeted workspace: a non-member is 404, a member 403', async () => {
    const twoTargets = { targets: [{ workspaceId: A.ws.id, agentId: agentA.id }, { workspaceId: B.ws.id, agentId: agentB.id }] };
    expectError(await h.call('POST', '/api/v1/crons', { key: A.owner.key, body: cronBody(twoTargets) }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', '/api/v1/crons', { key: A.member.key, body: cronBody() }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/crons', { key: A.viewer.key, body: cronBody() }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/crons', { key: agentA.key, body: cronBody() }), 403, 'FORBIDDEN');
    // Adding a target in a workspace the editor does not administer is refused the same way.
    const own = await create(A.owner.key);
    expectError(await h.call('PATCH', `/api/v1/crons/${own.id}`, { key: A.owner.key, body: twoTargets }), 404, 'NOT_FOUND');
    const widened = expectOk(await h.call('PATCH', `/api/v1/crons/${own.id}`, { key: both.key, body: twoTargets }));
    expect(widened.targets).toHaveLength(2);
    // Now A's owner no longer manages it.
    expect(expectOk(await h.call('GET', `/api/v1/crons/${own.id}`, { key: A.owner.key })).can.edit).toBe(false);
  });

  it("another workspace's cron is 404 for an outsider and its agent, like one that does not exist", async () => {
    for (const key of [outsider.key, outsiderAgent.key]) {
      for (const [method, path] of [
        ['GET', `/api/v1/crons/${shared.id}`],
        ['GET', `/api/v1/crons/${shared.id}/runs`],
        ['PATCH', `/api/v1/crons/${shared.id}`],
        ['DELETE', `/api/v1/crons/${shared.id}`],
        ['POST', `/api/v1/crons/${shared.id}/run`],
      ] as const) {
        const r = await h.call(method, path, { key, body: method === 'PATCH' ? { name: 'x' } : undefined });
        if (key === outsiderAgent.key && method !== 'GET') expectError(r, 403, 'FORBIDDEN'); // agents never change crons (checked first)
        else expectError(r, 404, 'NOT_FOUND');
      }
      expect(expectOk(await h.call('GET', '/api/v1/crons?limit=200', { key })).map((c: { id: string }) => c.id)).not.toContain(shared.id);
    }
  });

  it('an agent sees the crons that target its workspace, and cannot change them', async () => {
    const listed = expectOk(await h.call('GET', '/api/v1/crons?limit=200', { key: agentA2.key })).map((c: { id: string }) => c.id);
    expect(listed).toContain(shared.id);
    const one = expectOk(await h.call('GET', `/api/v1/crons/${shared.id}`, { key: agentA2.key }));
    expect(one.hiddenTargets).toBe(1);
    expect(one.can).toEqual({ edit: false, run: false, delete: false, setMissedRunPolicy: false });
    expectError(await h.call('PATCH', `/api/v1/crons/${shared.id}`, { key: agentA.key, body: { enabled: false } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', `/api/v1/crons/${shared.id}/run`, { key: agentA.key }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', `/api/v1/crons/${shared.id}`, { key: agentA.key }), 403, 'FORBIDDEN');
  });

  it('a target in an archived workspace cannot be added (409); the cron can still be paused', async () => {
    const C = await createWorkspace(h, both.key);
    const agentC = await activeAgent(h, both.key, C.id);
    const c = await create(both.key, { targets: [{ workspaceId: A.ws.id, agentId: agentA.id }, { workspaceId: C.id, agentId: agentC.id }] });
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${C.id}`, { key: both.key }));
    const r = await h.call('POST', '/api/v1/crons', { key: both.key, body: cronBody({ targets: [{ workspaceId: C.id, agentId: agentC.id }] }) });
    expect(expectError(r, 409, 'CONFLICT').details).toMatchObject({ reason: 'workspace_archived' });
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: both.key, body: { enabled: false } }));
    // Run now leaves the archived target out.
    const now = expectOk(await h.call('POST', `/api/v1/crons/${c.id}/run`, { key: both.key }), 202);
    expect(now.runs.map((x: { targetAgentId: string }) => x.targetAgentId)).toEqual([agentA.id]);
    expect(now.skipped).toEqual([{ workspaceId: C.id, agentId: agentC.id, reason: 'WORKSPACE_ARCHIVED' }]);
  });
});

describe('the global view', () => {
  let ids: { a1: string; a2: string; paused: string; failing: string; gateway: string; b: string };
  beforeAll(async () => {
    const mk = async (key: string, extra: Record<string, unknown>) => (await create(key, extra)).id as string;
    const ws = await createTeam(h);
    const agent = await activeAgent(h, ws.owner.key, ws.ws.id);
    const agent2 = await activeAgent(h, ws.owner.key, ws.ws.id);
    const t = (a = agent.id) => ({ targets: [{ workspaceId: ws.ws.id, agentId: a }] });
    ids = {
      a1: await mk(ws.owner.key, { name: 'G a1', ...t() }),
      a2: await mk(ws.owner.key, { name: 'G a2', ...t(agent2.id) }),
      paused: await mk(ws.owner.key, { name: 'G paused', enabled: false, ...t() }),
      failing: await mk(ws.owner.key, { name: 'G failing', ...t() }),
      gateway: await mk(ws.owner.key, { name: 'G gateway', ...t() }),
      b: await mk(B.owner.key, { name: 'G b', targets: [{ workspaceId: B.ws.id, agentId: agentB.id }] }),
    };
    await setCron(ids.failing, 'failure_streak = 2');
    await setCron(ids.gateway, "owner = 'gateway', gateway_id = 'gw_1', gateway_job_id = 'job-1'");
    gv = { ws, agent, agent2 };
  });

  let gv: { ws: Team; agent: { id: string }; agent2: { id: string } };
  const ctx = () => gv;
  const list = async (key: string, qs: string) => {
    const r = await h.call('GET', `/api/v1/crons?${qs}`, { key });
    return { items: expectOk(r) as { id: string; status: string; owner: string }[], meta: r.body.meta };
  };

  it('filters by workspace, agent, status and owner', async () => {
    const { ws, agent2 } = ctx();
    const inWs = await list(h.admin.key, `workspaceId=${ws.ws.slug}&limit=200`);
    expect(inWs.items.map((c) => c.id).sort()).toEqual([ids.a1, ids.a2, ids.paused, ids.failing, ids.gateway].sort());
    expect((await list(ws.viewer.key, `agentId=${agent2.id}`)).items.map((c) => c.id)).toEqual([ids.a2]);
    expect((await list(ws.owner.key, 'status=paused&limit=200')).items.map((c) => c.id)).toEqual([ids.paused]);
    expect((await list(ws.owner.key, 'status=failing&limit=200')).items).toEqual([expect.objectContaining({ id: ids.failing, status: 'failing' })]);
    expect((await list(ws.owner.key, 'owner=gateway&limit=200')).items).toEqual([expect.objectContaining({ id: ids.gateway, owner: 'gateway' })]);
    const active = (await list(ws.owner.key, 'status=active&limit=200')).items.map((c) => c.id);
    expect(active.sort()).toEqual([ids.a1, ids.a2, ids.gateway].sort());
    // A workspace the caller cannot see is 404, like one that does not exist; so is an agent there: nothing.
    expectError(await h.call('GET', `/api/v1/crons?workspaceId=${B.ws.id}`, { key: ws.owner.key }), 404, 'NOT_FOUND');
    expect((await list(ws.owner.key, `agentId=${agentB.id}`)).items).toEqual([]);
  });

  it('pages with offset (meta.total) and with a cursor, sorted', async () => {
    const { ws } = ctx();
    const all = (await list(ws.owner.key, 'sort=name&limit=200')).items.map((c) => c.id);
    expect(all).toEqual([ids.a1, ids.a2, ids.failing, ids.gateway, ids.paused]);
    const p1 = await list(ws.owner.key, 'sort=name&limit=2&offset=0');
    expect(p1.items.map((c) => c.id)).toEqual(all.slice(0, 2));
    expect(p1.meta).toMatchObject({ limit: 2, offset: 0, total: 3, totalCapped: true });
    const last = await list(ws.owner.key, 'sort=name&limit=2&offset=4');
    expect(last.meta).toMatchObject({ total: 5 });
    expect((await list(ws.owner.key, 'sort=name&limit=2&offset=0&total=exact')).meta).toMatchObject({ total: 5 });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(ws.owner.key, `sort=-createdAt&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.meta.nextCursor;
    }
    expect([...seen].sort()).toEqual([...all].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await h.call('GET', '/api/v1/crons?sort=color', { key: ws.owner.key });
    expectError(bad, 400, 'VALIDATION_ERROR');
  });

  it("the instance admin sees every workspace's crons; a person only theirs", async () => {
    const { ws } = ctx();
    const admin = (await list(h.admin.key, 'limit=200&total=exact')).items.map((c) => c.id);
    expect(admin).toEqual(expect.arrayContaining(Object.values(ids)));
    const mine = (await list(ws.member.key, 'limit=200')).items.map((c) => c.id);
    expect(mine).not.toContain(ids.b);
    expect(mine).toEqual(expect.arrayContaining([ids.a1, ids.paused]));
  });
});

describe('run now, the runs and their cost', () => {
  it('creates one pending run per runnable target, lists it with the cost of its executions, and costs by cron', async () => {
    const inactive = await registerPending(h, A.ws.id);
    const c = await create(both.key, {
      name: 'Costly',
      targets: [
        { workspaceId: A.ws.id, agentId: agentA.id },
        { workspaceId: A.ws.id, agentId: inactive.id },
        { workspaceId: B.ws.id, agentId: agentB.id },
      ],
    });
    const before = Date.now();
    const r = expectOk(await h.call('POST', `/api/v1/crons/${c.id}/run`, { key: both.key }), 202);
    expect(r.runs.map((x: { targetAgentId: string }) => x.targetAgentId).sort()).toEqual([agentA.id, agentB.id].sort());
    expect(r.skipped).toEqual([{ workspaceId: A.ws.id, agentId: inactive.id, reason: 'AGENT_INACTIVE' }]);
    for (const run of r.runs) {
      expect(run).toMatchObject({ cronId: c.id, trigger: 'manual', status: 'pending', attempt: 1, attempts: [], tokensIn: 0, costUsd: '0.000000' });
      expect(run.id).toBe(cronRunId(c.id, new Date(run.slot), run.targetAgentId));
      expect(new Date(run.slot).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(run.dueAt).toBe(run.slot);
      expect(run.chargedWorkspaceId).toBe(run.workspaceId);
    }
    const runA = r.runs.find((x: { targetAgentId: string }) => x.targetAgentId === agentA.id);
    const runB = r.runs.find((x: { targetAgentId: string }) => x.targetAgentId === agentB.id);
    // Until they finish, the cron says its runs are under way: both for who sees both workspaces, A's alone for A.
    const going = expectOk(await h.call('GET', `/api/v1/crons/${c.id}`, { key: both.key }));
    expect(going.lastRun).toBeNull();
    expect(going.running).toEqual({ runs: 2, since: [runA.createdAt, runB.createdAt].sort()[0] });
    const goingA = expectOk(await h.call('GET', `/api/v1/crons?workspaceId=${A.ws.id}`, { key: A.owner.key })).find((x: { id: string }) => x.id === c.id);
    expect(goingA.running).toEqual({ runs: 1, since: runA.createdAt });

    // cronRunId on an execution must name a run that targets the calling agent.
    expectError(await h.call('POST', '/api/v1/executions', { key: agentB.key, body: { cronRunId: runA.id } }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', '/api/v1/executions', { key: agentA2.key, body: { cronRunId: runA.id } }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', '/api/v1/executions', { key: agentA.key, body: { cronRunId: 'crr_nothing' } }), 404, 'NOT_FOUND');
    // Two executions of A's run: their usage adds up on the run.
    for (const [tin, tout, cost] of [
      [1000, 200, 0.5],
      [300, 100, 0.25],
    ] as const) {
      const e = expectOk(await h.call('POST', '/api/v1/executions', { key: agentA.key, body: { cronRunId: runA.id } }), 201);
      expect(e.cronRunId).toBe(runA.id);
      expectOk(await h.call('PATCH', `/api/v1/executions/${e.id}`, { key: agentA.key, body: { status: 'success', tokensIn: tin, tokensOut: tout, costUsd: cost } }));
    }
    const e = expectOk(await h.call('POST', '/api/v1/executions', { key: agentB.key, body: { cronRunId: runB.id } }), 201);
    expectOk(await h.call('PATCH', `/api/v1/executions/${e.id}`, { key: agentB.key, body: { status: 'failed', tokensIn: 7, tokensOut: 3, costUsd: 0.01 } }));

    const runs = await h.call('GET', `/api/v1/crons/${c.id}/runs?total=exact`, { key: both.key });
    const items = expectOk(runs);
    expect(runs.body.meta.total).toBe(2);
    const a = items.find((x: { id: string }) => x.id === runA.id);
    expect(a).toMatchObject({ tokensIn: 1300, tokensOut: 300, costUsd: '0.750000', workspaceId: A.ws.id, chargedWorkspaceId: A.ws.id, targetAgentId: agentA.id });
    expect(items.find((x: { id: string }) => x.id === runB.id)).toMatchObject({ tokensIn: 7, tokensOut: 3, costUsd: '0.010000', chargedWorkspaceId: B.ws.id });
    // A's admin sees only A's run.
    const fromA = expectOk(await h.call('GET', `/api/v1/crons/${c.id}/runs`, { key: A.owner.key }));
    expect(fromA.map((x: { id: string }) => x.id)).toEqual([runA.id]);

    // Each workspace's costs show the cron, with what it was charged there.
    const costsA = expectOk(await h.call('GET', `/api/v1/workspaces/${A.ws.id}/costs`, { key: A.viewer.key }));
    expect(costsA.byCron).toEqual([{ cronId: c.id, cronName: 'Costly', costUsd: 0.75, tokens: 1600, executions: 2 }]);
    const costsB = expectOk(await h.call('GET', `/api/v1/workspaces/${B.ws.id}/costs`, { key: B.viewer.key }));
    expect(costsB.byCron).toEqual([{ cronId: c.id, cronName: 'Costly', costUsd: 0.01, tokens: 10, executions: 1 }]);
  });

  it('lists runs newest first, filters them, and keeps the success rate and last run on the cron', async () => {
    const c = await create(A.owner.key, { targets: [{ workspaceId: A.ws.id, agentId: agentA.id }] });
    const base = Date.UTC(2026, 0, 1, 9);
    const rows = ['success', 'failed', 'success', 'success'].map((status, i) => {
      const slot = new Date(base + i * 86_400_000);
      return { id: cronRunId(c.id, slot, agentA.id), cronId: c.id, workspaceId: A.ws.id, agentId: agentA.id, slot, status, attempts: [{ attempt: 1, status }] };
    });
    await h.database.db.insert(cronRuns).values(rows);
    await setCron(c.id, `last_run_at = '${rows[3].slot.toISOString()}', last_run_status = 'success'`);
    const listed = expectOk(await h.call('GET', `/api/v1/crons/${c.id}/runs?limit=3`, { key: A.viewer.key }));
    expect(listed.map((x: { slot: string }) => x.slot)).toEqual(rows.slice(1).reverse().map((x) => x.slot.toISOString()));
    expect(listed[0].attempts).toEqual([{ attempt: 1, status: 'success' }]);
    const failed = expectOk(await h.call('GET', `/api/v1/crons/${c.id}/runs?status=failed`, { key: A.viewer.key }));
    expect(failed.map((x: { id: string }) => x.id)).toEqual([rows[1].id]);
    const got = expectOk(await h.call('GET', `/api/v1/crons/${c.id}`, { key: A.viewer.key }));
    expect(got.successRate).toBe(0.75);
    expect(got.lastRun).toEqual({ status: 'success', at: rows[3].slot.toISOString() });
    expect(got.running).toBeNull();
    expect(listed.every((x: { tickets: unknown[]; ticketIds: unknown[] }) => x.tickets.length === 0 && x.ticketIds.length === 0)).toBe(true);
    const stored = await h.database.db.query.cronRuns.findMany({ where: (x, { and, eq }) => and(eq(x.cronId, c.id), eq(x.status, 'failed')) });
    expect(stored.map((x) => x.id)).toEqual([rows[1].id]);
  });

  it("names the tickets of each run (number, title, status), in the run's workspace only", async () => {
    const c = await create(A.owner.key, { targets: [{ workspaceId: A.ws.id, agentId: agentA.id }] });
    const ticket = async (key: string, ws: string, title: string) => expectOk(await h.call('POST', '/api/v1/tickets', { key, body: { workspaceId: ws, title } }), 201);
    const first = await ticket(A.owner.key, A.ws.id, 'Report, first attempt');
    const second = await ticket(A.owner.key, A.ws.id, 'Report, second attempt');
    const deleted = await ticket(A.owner.key, A.ws.id, 'Gone since');
    const elsewhere = await ticket(B.owner.key, B.ws.id, 'Not of this run');
    // No route deletes a ticket; a workspace's deletion or a purge can: removed here directly.
    await queryRaw(h.database.db, 'crons_test_delete_ticket', 'DELETE FROM tickets WHERE id = $1', [deleted.id]);
    const slot = new Date(Date.UTC(2026, 1, 1, 9));
    const ids = [first.id, second.id, deleted.id, elsewhere.id];
    await h.database.db.insert(cronRuns).values([
      { id: cronRunId(c.id, slot, agentA.id), cronId: c.id, workspaceId: A.ws.id, agentId: agentA.id, slot, status: 'failed', ticketIds: ids },
      { id: cronRunId(c.id, new Date(slot.getTime() + 86_400_000), agentA.id), cronId: c.id, workspaceId: A.ws.id, agentId: agentA.id, slot: new Date(slot.getTime() + 86_400_000), status: 'running' },
    ]);
    const [newer, older] = expectOk(await h.call('GET', `/api/v1/crons/${c.id}/runs`, { key: A.viewer.key }));
    expect(newer.tickets).toEqual([]);
    expect(older.ticketIds).toEqual(ids);
    expect(older.tickets).toEqual([
      { id: first.id, number: first.number, title: 'Report, first attempt', status: first.status },
      { id: second.id, number: second.number, title: 'Report, second attempt', status: second.status },
    ]);
  });

  it('run now with no runnable target is 409', async () => {
    const pending = await registerPending(h, A.ws.id);
    const c = await create(A.owner.key, { targets: [{ workspaceId: A.ws.id, agentId: pending.id }] });
    expect(expectError(await h.call('POST', `/api/v1/crons/${c.id}/run`, { key: A.owner.key }), 409, 'CONFLICT').details).toMatchObject({ reason: 'no_runnable_target' });
  });
});
