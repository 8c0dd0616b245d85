// Live fan-out of ticket changes. In one process: the event stream (SSE) of a workspace carries its ticket
// events and nobody else's. Across processes (PostgreSQL only: two processes can share a PostgreSQL server, not
// an embedded PGlite): a second app with its own pool, LiveBus and LISTEN sees changes made through the first —
// its stream, its long-polls — and claims and lease sweeps racing from both processes stay exactly-once.
import { createApiApp, type ApiDeps } from '@mc/api';
import { KeyUsageTracker, LIVE_CHANNEL, LiveBus, RateLimiter, releaseExpiredLeases, systemClock, watchedCredentialCache, type Ctx, type LiveEvent } from '@mc/core';
import { openDatabase, type Database } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { openEventStream as openStream } from './event-stream';
import { activeAgents, activityOf, available, claim, createTicket, getTicket, move } from './tickets.fixtures';

let h: Harness;
let team: Team;

beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

describe('the event stream (one process)', () => {
  it("carries its workspace's ticket events, in order, and nothing from other workspaces", async () => {
    const other = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const listenersBefore = h.deps.live.size;
    const stream = await openStream(h.app, team.ws.id, team.viewer.key);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(h.deps.live.size).toBe(listenersBefore + 1);

    // Another workspace's ticket first: were it delivered, it would arrive before ours.
    const elsewhere = await createTicket(h, other.member.key, other.ws.id, { title: 'elsewhere' });
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'watched' });
    expectOk(await claim(h, a.key, t.id));
    expectOk(await move(h, a.key, t.id, 'pr_review'));
    const c = expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: a.key, body: { body: 'ready for review' } }), 201);

    expect(await stream.next((e) => e.type === 'comment.created' && e.ticketId === t.id)).not.toBeNull();
    const mine = stream.events.filter((e) => e.ticketId === t.id);
    expect(mine.map((e) => e.type)).toEqual(['ticket.created', 'ticket.claimed', 'ticket.moved', 'comment.created']);
    expect(mine[1]).toMatchObject({ agentId: a.id, status: 'in_progress' });
    expect(mine[2]).toMatchObject({ status: 'pr_review' });
    expect(mine[3]).toMatchObject({ commentId: c.id });
    for (const e of stream.events) expect(e.workspaceId).toBe(team.ws.id);
    expect(stream.events.some((e) => e.ticketId === elsewhere.id)).toBe(false);
    expect(stream.text.startsWith('retry: 3000\n')).toBe(true);

    // Closing the stream unsubscribes it.
    await stream.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.deps.live.size).toBe(listenersBefore);
  });

  it('is 404 for a workspace the caller cannot see, 400 without a workspace, 401 without a key', async () => {
    const outsider = await h.newUser('Outsider');
    const s = await openStream(h.app, team.ws.id, outsider.key);
    expect(s.res.status).toBe(404);
    expect(JSON.parse(s.text).error.code).toBe('NOT_FOUND');
    expectError(await h.call('GET', '/api/v1/events', { key: team.member.key }), 400, 'VALIDATION_ERROR');
    expectError(await h.call('GET', `/api/v1/events?workspaceId=${team.ws.id}`), 401, 'UNAUTHENTICATED');
  });

  it('two lease sweepers running at once release each expired lease exactly once', async () => {
    const ws = await createTeam(h);
    const a = await activeAgent(h, ws.admin.key, ws.ws.slug);
    const tickets = await Promise.all(Array.from({ length: 20 }, (_, i) => createTicket(h, ws.member.key, ws.ws.id, { title: `sweep ${i}` })));
    for (const t of tickets) expectOk(await claim(h, a.key, t.id));
    const later = new Date(Date.now() + 11 * 60_000);
    const sweeper: Ctx = { ...h.ctxFor({ kind: 'system', name: 't' }), clock: { now: () => later } };
    const before = (await activityOf(h, { action: 'ticket.lease_expired' })).length;
    const runs = await Promise.all([releaseExpiredLeases(sweeper, 7), releaseExpiredLeases(sweeper, 7)]);
    let total = runs[0] + runs[1];
    for (let n = -1; n !== 0; total += n) n = await releaseExpiredLeases(sweeper);
    // What the sweeps say they released is what they logged, across the whole instance: nothing twice.
    expect((await activityOf(h, { action: 'ticket.lease_expired' })).length - before).toBe(total);
    const log = await activityOf(h, { workspaceId: ws.ws.id, action: 'ticket.lease_expired' });
    expect(log).toHaveLength(20);
    expect(new Set(log.map((e) => e.target.id))).toEqual(new Set(tickets.map((t) => t.id)));
    for (const t of tickets) expect((await getTicket(h, ws.member.key, t.id)).status).toBe('todo');
  });
});

/** A second server process on the same PostgreSQL database: its own pool, live bus, LISTEN and REST app. */
async function secondProcess(url: string) {
  const database: Database = await openDatabase({ databaseUrl: url, migrate: false, poolSize: 5 });
  const live = new LiveBus();
  const unlisten = await database.listen(LIVE_CHANNEL, (payload) => live.receive(payload));
  const credentials = await watchedCredentialCache(database);
  const deps: ApiDeps = {
    ...h.deps,
    db: database.db,
    credentials: credentials.cache,
    live,
    rateLimiter: new RateLimiter(database.db, systemClock),
    keyUsage: new KeyUsageTracker(database.db, 50),
  };
  const app = createApiApp(deps);
  const call = async (method: string, path: string, key: string) => {
    const res = await app.app.request(`http://mc.test${path}`, { method, headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };
  return {
    database,
    live,
    app,
    call,
    async close() {
      await deps.keyUsage.flush();
      await unlisten();
      await credentials.close();
      await deps.rateLimiter.close();
      await database.close();
    },
  };
}

describe.runIf(!!process.env.TEST_DATABASE_URL)('across processes (PostgreSQL)', () => {
  let p2: Awaited<ReturnType<typeof secondProcess>>;
  beforeAll(async () => {
    expect(h.database.kind).toBe('postgres');
    p2 = await secondProcess(h.database.url!);
  });
  afterAll(async () => {
    await p2?.close();
  });

  it("a ticket created through the first process reaches the second process's bus", async () => {
    const got = p2.live.waitFor((e) => e.type === 'ticket.created' && e.workspaceId === team.ws.id, 10_000);
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'fan-out' });
    const e = await got;
    expect(e).toMatchObject({ type: 'ticket.created', workspaceId: team.ws.id, ticketId: t.id, status: 'todo' });
  });

  it("the second process's event stream shows changes made through the first", async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const stream = await openStream(p2.app, team.ws.id, team.member.key);
    expect(stream.res.status).toBe(200);
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'seen from afar' });
    expectOk(await claim(h, a.key, t.id));
    expect(await stream.next((e) => e.type === 'ticket.claimed' && e.ticketId === t.id)).toMatchObject({ agentId: a.id });
    expect(stream.events.filter((e) => e.ticketId === t.id).map((e) => e.type)).toEqual(['ticket.created', 'ticket.claimed']);
    await stream.close();
  });

  it('a long-poll held by the second process wakes on a ticket created through the first', async () => {
    const fresh = await createTeam(h);
    const a = await activeAgent(h, fresh.admin.key, fresh.ws.slug);
    const started = Date.now();
    const pending = p2.call('GET', '/api/v1/tickets/available?wait=30', a.key);
    await new Promise((r) => setTimeout(r, 300));
    const t = await createTicket(h, fresh.member.key, fresh.ws.id, { title: 'wake the other process' });
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body.data.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('30 agents racing for one ticket through two processes: exactly one wins', async () => {
    const fresh = await createTeam(h);
    const agents = await activeAgents(h, fresh.admin.key, fresh.ws.slug, 30);
    const t = await createTicket(h, fresh.member.key, fresh.ws.id, { title: 'two-process race' });
    const results = await Promise.all(
      agents.map((a, i) => (i % 2 === 0 ? claim(h, a.key, t.id) : p2.call('PATCH', `/api/v1/tickets/${t.id}/claim`, a.key))),
    );
    const winners = results.flatMap((r, i) => (r.status === 200 ? [agents[i].id] : []));
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('CONFLICT');
      expect(r.body.error.details.claimedBy).toBe(winners[0]);
    }
    expect((await getTicket(h, fresh.member.key, t.id)).claimedBy).toBe(winners[0]);
    expect(await activityOf(h, { workspaceId: fresh.ws.id, action: 'ticket.claimed' })).toHaveLength(1);
    expect(await available(h, agents[0].key)).toEqual([]);
  });

  it('lease sweepers in both processes release each expired lease exactly once', async () => {
    const fresh = await createTeam(h);
    const a = await activeAgent(h, fresh.admin.key, fresh.ws.slug);
    const tickets = await Promise.all(Array.from({ length: 30 }, (_, i) => createTicket(h, fresh.member.key, fresh.ws.id, { title: `lease ${i}` })));
    for (const t of tickets) expectOk(await claim(h, a.key, t.id));
    const later = new Date(Date.now() + 11 * 60_000);
    const sweeperOf = (db: Database['db']): Ctx => ({ ...h.ctxFor({ kind: 'system', name: 't' }), db, clock: { now: () => later } });
    const before = (await activityOf(h, { action: 'ticket.lease_expired' })).length;
    const runs = await Promise.all([
      releaseExpiredLeases(sweeperOf(h.database.db), 10),
      releaseExpiredLeases(sweeperOf(p2.database.db), 10),
      releaseExpiredLeases(sweeperOf(h.database.db), 10),
      releaseExpiredLeases(sweeperOf(p2.database.db), 10),
    ]);
    let total = runs.reduce((x, y) => x + y, 0);
    for (let n = -1; n !== 0; total += n) n = await releaseExpiredLeases(sweeperOf(p2.database.db));
    // What the sweeps say they released is what they logged, across the whole instance: nothing twice.
    expect((await activityOf(h, { action: 'ticket.lease_expired' })).length - before).toBe(total);
    const log = await activityOf(h, { workspaceId: fresh.ws.id, action: 'ticket.lease_expired' });
    expect(log).toHaveLength(30);
    expect(new Set(log.map((e) => e.target.id)).size).toBe(30);
  });
});
