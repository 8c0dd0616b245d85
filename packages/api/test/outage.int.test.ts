// A PostgreSQL outage under load, with a real fault: the app reaches its database through a loopback TCP proxy that
// the test cuts (every connection reset, the port closed) and restores, without restarting the app. While it is
// down every answer is 503 UNAVAILABLE with Retry-After (health too); afterwards requests succeed again, the LISTEN
// connection is back, waiters that slept through the outage are woken once, new waiters are woken by writes, and
// every write that was acknowledged (2xx) is in the database. PostgreSQL only (the embedded database lives in the
// process: there is no connection to lose), so on PGlite this file is reported as skipped.
import { createComment, createTicket, LIVE_RESYNC, type Ctx, type LiveEvent } from '@mc/core';
import { openDatabase, type Database } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type CallResult, type Harness } from './harness';
import { openEventStream } from './event-stream';
import { expectError, expectOk } from './helpers';
import { startTcpProxy, until, type TcpProxy } from '@mc/db/testing';

const pgUrl = process.env.TEST_DATABASE_URL;

/** A call that is expected to wait: its answer appears in `result` once it settles. */
function waiting(p: Promise<CallResult>) {
  const state: { result?: CallResult } = {};
  void p.then((r) => (state.result = r));
  return state;
}

describe.skipIf(!pgUrl)('a PostgreSQL outage (TCP proxy cut and restored under load)', () => {
  let proxy: TcpProxy;
  let h: Harness;
  let loaded: Team; // the workspace under write load
  let quiet: Team; // a workspace without load: its waiters wake only for what the test does
  let agent: Awaited<ReturnType<typeof activeAgent>>;
  /** The test database without the proxy: the test's own writes while the app is cut off, and the final check. */
  let direct: Database;
  /** Stops the write load and the stream, also when an assertion failed half-way (else the pool never drains). */
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const target = new URL(pgUrl!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    h = await createHarness({
      connectVia: {
        url: (fixtureUrl) => {
          const u = new URL(fixtureUrl);
          u.hostname = '127.0.0.1';
          u.port = String(proxy.port);
          return u.toString();
        },
        connectTimeoutMs: 1_000,
      },
    });
    loaded = await createTeam(h);
    quiet = await createTeam(h);
    agent = await activeAgent(h, quiet.admin.key, quiet.ws.slug);
    direct = await openDatabase({ databaseUrl: fixtureUrlOf(h), migrate: false, poolSize: 2 });
  });
  afterAll(async () => {
    for (const fn of cleanup) await fn();
    await direct?.close();
    await proxy?.restore();
    await h?.close();
    await proxy?.close();
  });

  it('answers 503 while down, recovers without a restart, wakes waiters and loses no acknowledged write', { timeout: 60_000 }, async () => {
    expect(h.database.listenState()).toBe('up');
    const health = expectOk(await h.call('GET', '/api/v1/health'));
    expect(health).toMatchObject({ status: 'ok', database: 'postgres', databaseState: 'reachable', liveEvents: 'connected' });

    // Waiters that will sleep through the outage: a long-poll for work, a long-poll for notifications, a stream.
    const stream = await openEventStream(h.app, quiet.ws.id, quiet.member.key);
    expect(stream.res.status).toBe(200);
    cleanup.push(() => stream.close());
    const pollAcross = waiting(h.call('GET', '/api/v1/tickets/available?wait=50', { key: agent.key }));
    const notesAcross = waiting(h.call('GET', '/api/v1/notifications?wait=50&unread=true', { key: agent.key }));

    // Load: four writers creating tickets (each with its own Idempotency-Key) until told to stop; every answer is
    // recorded, and the creates that were refused are kept to be retried after the outage.
    const acknowledged: string[] = [];
    const answers: CallResult[] = [];
    const refused: { title: string; idempotencyKey: string }[] = [];
    let stop = false;
    const create = (title: string, idempotencyKey: string) =>
      h.call('POST', '/api/v1/tickets', { key: loaded.member.key, body: { workspaceId: loaded.ws.id, title }, headers: { 'idempotency-key': idempotencyKey } });
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const title = `load ${w}.${i}`;
        const r = await create(title, `outage-${w}-${i}`);
        answers.push(r);
        if (r.status === 201) acknowledged.push(r.body.data.id);
        else {
          refused.push({ title, idempotencyKey: `outage-${w}-${i}` });
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    cleanup.push(() => ((stop = true), writers));
    await until('writes before the cut', 10_000, async () => acknowledged.length >= 20);

    const errors = vi.spyOn(console, 'error');
    await proxy.cut();
    const answersAtCut = answers.length;
    // While down: writes, reads and health are 503 UNAVAILABLE with Retry-After, in the envelope, saying nothing
    // of the driver.
    await until('503s under load', 15_000, async () => answers.slice(answersAtCut).filter((r) => r.status === 503).length >= 20);
    const read = await h.call('GET', `/api/v1/tickets?workspaceId=${loaded.ws.id}`, { key: loaded.member.key });
    const down = await h.call('GET', '/api/v1/health');
    for (const r of [read, down, ...answers.slice(answersAtCut).filter((a) => a.status !== 201)]) {
      const e = expectError(r, 503, 'UNAVAILABLE');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(e.message).not.toMatch(/ECONN|terminated|timeout|pg|postgres/i);
    }
    expect(expectError(down, 503, 'UNAVAILABLE').details).toMatchObject({ status: 'unavailable', database: 'postgres', databaseState: 'unreachable' });
    expect(h.database.listenState()).toBe('reconnecting');
    // The waiters are still waiting: nothing was there to wake them.
    expect(pollAcross.result).toBeUndefined();
    expect(notesAcross.result).toBeUndefined();
    // Meanwhile another process, still connected, adds work for the agent and mentions it: the app's LISTEN is cut
    // off, so these notifications never reach it. Only a look after the reconnect can find them.
    const member = h.ctxFor({ kind: 'user', userId: quiet.member.id, name: 'Member', email: quiet.member.email, isInstanceAdmin: false, via: 'api_key', credentialId: 'seed' });
    const elsewhere: Ctx = { ...member, db: direct.db };
    const missed = await createTicket(elsewhere, { workspaceId: quiet.ws.id, title: 'created while the app was cut off' });
    await createComment(elsewhere, missed.id, { body: `@${agent.name} this one appeared during the outage` });

    await proxy.restore();
    // Back without a restart: health is 200 once the LISTEN connection is re-established.
    await until('recovery', 20_000, async () => {
      const r = await h.call('GET', '/api/v1/health');
      return r.status === 200 && r.body.data.liveEvents === 'connected';
    });
    // Waiters that slept through the outage are woken once on reconnect and look again: they find what was added
    // while the app was cut off, well before their 50 s wait ends.
    await until('the waiters across the outage to answer', 10_000, async () => pollAcross.result && notesAcross.result);
    expect(expectOk(pollAcross.result!).map((t: { id: string }) => t.id)).toEqual([missed.id]);
    expect(expectOk(notesAcross.result!).map((n: { context: { ticketId: string } }) => n.context.ticketId)).toContain(missed.id);
    await until('resync on the stream', 5_000, async () => stream.events.some((e) => e.type === LIVE_RESYNC));
    expect(stream.events.find((e) => e.type === LIVE_RESYNC)).toMatchObject({ workspaceId: quiet.ws.id });

    await until('writes after recovery', 10_000, async () => answers.slice(answersAtCut).some((r, i, all) => r.status === 201 && all.slice(0, i).some((a) => a.status === 503)));
    stop = true;
    await writers;
    // One outage, a handful of log lines (the first failure of each part and its recovery), not one per request.
    const lines = errors.mock.calls.length;
    const failed = answers.filter((r) => r.status === 503).length;
    errors.mockRestore();
    expect(failed).toBeGreaterThanOrEqual(20);
    expect(lines).toBeLessThanOrEqual(14);

    // Every answer under load was a 201 or a 503: never a 500.
    expect(answers.filter((r) => r.status !== 201 && r.status !== 503).map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);

    // New waiters are woken by writes, through the re-established LISTEN.
    // A create refused during the outage, retried with its Idempotency-Key, is done (or replayed) exactly as a
    // client would expect: no key is left stuck "in progress" (409) by a write the outage interrupted.
    for (const r of refused) {
      const again = await until(`the retry of ${r.title}`, 15_000, async () => {
        const a = await create(r.title, r.idempotencyKey);
        return a.status === 409 ? null : a;
      });
      acknowledged.push(expectOk(again, 201).id);
    }

    // The agent takes the missed ticket and reads its notifications, so that the next waits start empty.
    expectOk(await h.call('PATCH', `/api/v1/tickets/${missed.id}/claim`, { key: agent.key }));
    expectOk(await h.call('POST', '/api/v1/notifications/read-all', { key: agent.key, body: {} }));
    const pollAfter = waiting(h.call('GET', '/api/v1/tickets/available?wait=50', { key: agent.key }));
    const notesAfter = waiting(h.call('GET', '/api/v1/notifications?wait=50&unread=true', { key: agent.key }));
    await new Promise((r) => setTimeout(r, 200)); // let both reach their wait (an answer before it would be fine too)
    const ticket = expectOk(await h.call('POST', '/api/v1/tickets', { key: quiet.member.key, body: { workspaceId: quiet.ws.id, title: 'after the outage' } }), 201);
    expectOk(await h.call('POST', `/api/v1/tickets/${ticket.id}/comments`, { key: quiet.member.key, body: { body: `@${agent.name} take this one` } }), 201);
    // Woken by the writes (through the re-established LISTEN), not by the end of their wait.
    await until('the new waiters to answer', 10_000, async () => pollAfter.result && notesAfter.result);
    expect(expectOk(pollAfter.result!).map((t: { id: string }) => t.id)).toEqual([ticket.id]);
    expect(expectOk(notesAfter.result!).map((n: { context: { ticketId: string } }) => n.context.ticketId)).toContain(ticket.id);
    await until('the new ticket on the stream', 5_000, async () => stream.events.some((e) => e.type === 'ticket.created' && e.ticketId === ticket.id));
    await stream.close();

    // No pooled connection is left checked out by a request the outage interrupted (a transaction whose BEGIN
    // failed): every client of the app's pool is idle again.
    const pool = (h.database.db as unknown as { $client: { totalCount: number; idleCount: number } }).$client;
    await until('every pooled connection back', 5_000, async () => pool.totalCount === pool.idleCount);

    // 0 acknowledged writes lost: every 201 is in the database (read directly, not through the proxy).
    const found = await direct.db.query.tickets.findMany({ columns: { id: true }, where: (t, { inArray }) => inArray(t.id, acknowledged) });
    expect(found.length).toBe(new Set(acknowledged).size);
  });
});

/** The test database's own URL (the app's goes through the proxy). */
function fixtureUrlOf(h: Harness): string {
  const u = new URL(h.database.url!);
  const target = new URL(pgUrl!);
  u.hostname = target.hostname;
  u.port = target.port || '5432';
  return u.toString();
}
