// The gateway runtime against a real OpenClaw gateway (issue 15): ONE gateway for this file, both databases against
// it (PGlite always; PostgreSQL when MC_GATEWAY_TEST_DATABASE_URL or TEST_DATABASE_URL is set). A gateway registered
// through the REST API is connected by the runtime, its live state shows on GET /gateways/{id}; sync and the work
// signal reach the handlers; a wrong token reads unauthorized with its error; on PostgreSQL two runtimes keep one
// connection and the other takes over when the owner's lease goes; a killed gateway reads unreachable, the API keeps
// answering, and it is connected again after a restart. Run alone: `npx vitest run -c vitest.openclaw.config.ts
// apps/web/src/gateways/runtime.gateway.test.ts`.
import { asSystem, inTransaction, signalGatewayWork, type GatewayHandlers } from '@mc/core';
import { openDatabase, type Database } from '@mc/db';
import { gatewayTestDatabases, until } from '@mc/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from '../../../../packages/api/test/harness';
import { createWorkspace, expectOk } from '../../../../packages/api/test/helpers';
import { startGatewayFixture, type GatewayFixture } from '../../../../packages/openclaw/test/gateway-fixture';
import { createGatewayRuntime, type GatewayRuntime } from './runtime';

let fixture: GatewayFixture;
const logged: string[] = [];
const log = (line: string) => void logged.push(line);

/** A handler that records what the runtime called, per gateway. */
function recorder(name: string) {
  const calls: string[] = [];
  const events: string[] = [];
  const handlers: GatewayHandlers = {
    name,
    async onConnected(_ctx, id, client) {
      calls.push(`connected:${id}:${client.state}`);
    },
    async onWork(_ctx, id) {
      calls.push(`work:${id}`);
    },
    async onSyncRequested(_ctx, id) {
      calls.push(`sync:${id}`);
    },
    async onTick(_ctx, id, client) {
      calls.push(`tick:${id}:${client.state}`);
    },
    onEvent(_ctx, id, e) {
      events.push(`${id}:${e.event}`);
    },
    onDisconnected(_ctx, id) {
      calls.push(`disconnected:${id}`);
    },
  };
  return { handlers, calls, events };
}

/** A handler that always fails: the runtime logs it and goes on. */
const failing: GatewayHandlers = {
  name: 'failing',
  async onConnected() {
    throw new Error('handler failure (expected by the test)');
  },
};

interface Setup {
  kind: string;
  h: Harness;
  runtime: GatewayRuntime;
  rec: ReturnType<typeof recorder>;
  gatewayId: string;
}
const setups: Setup[] = [];

beforeAll(async () => {
  fixture = await startGatewayFixture();
}, 400_000);
afterAll(async () => {
  for (const s of setups) {
    await s.runtime.stop();
    await s.h.close();
  }
  await fixture?.stop();
  expect(logged.filter((l) => l.includes(fixture.token))).toEqual([]);
});

const get = (s: Setup, id = s.gatewayId) => s.h.call('GET', `/api/v1/gateways/${id}`, { key: s.h.admin.key });
const untilGateway = (s: Setup, what: string, check: (g: any) => boolean, ms = 120_000, id = s.gatewayId) =>
  until(`${s.kind}: ${what}`, ms, async () => {
    const r = await get(s, id);
    return r.status === 200 && check(r.body.data) && r.body.data;
  });

describe.each(gatewayTestDatabases())('the gateway runtime on $kind', ({ kind, postgresUrl }) => {
  let s: Setup;

  beforeAll(async () => {
    const h = await createHarness({ postgresUrl });
    const ws = await createWorkspace(h, h.admin.key);
    // An instance admin may register a loopback gateway.
    const gw = expectOk(
      await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: ws.id, name: uniq('gw'), url: fixture.url, token: fixture.token } }),
      201,
    );
    const rec = recorder('recorder');
    const runtime = createGatewayRuntime(asSystem(h.ctxFor({ kind: 'system', name: 'test' }), 'gateways'), {
      database: h.database,
      handlers: [failing, rec.handlers],
      refreshIntervalMs: 1_000,
      tickMs: 500,
      log,
    });
    await runtime.start();
    s = { kind, h, runtime, rec, gatewayId: gw.id };
    setups.push(s);
  });

  it('connects a gateway registered through the API: state, server version, protocol 4, hosted agents; handlers run', async () => {
    const g = await untilGateway(s, 'connected with its agents', (g) => g.state === 'connected' && g.agents.length === 2);
    expect(g).toMatchObject({ state: 'connected', protocol: 4, lastError: null });
    expect(g.serverVersion).toBe(fixture.version);
    expect(g.agents.map((a: { id: string }) => a.id).sort()).toEqual(['helper', 'main']);
    expect(g.lastSyncedAt).not.toBeNull();
    expect(s.runtime.owned()).toEqual([s.gatewayId]);
    await until('onConnected then onWork', 30_000, async () => s.rec.calls.includes(`work:${s.gatewayId}`));
    const i = s.rec.calls.indexOf(`connected:${s.gatewayId}:connected`);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(s.rec.calls.indexOf(`work:${s.gatewayId}`)).toBeGreaterThan(i);
    // The failing handler was logged (named, without the token) and did not stop the one after it.
    expect(logged.some((l) => l.includes('handler failing.onConnected failed') && l.includes(s.gatewayId))).toBe(true);
  });

  it('POST /sync refreshes the hosted agents and reaches onSyncRequested; the work signal reaches onWork', async () => {
    const before = expectOk(await get(s));
    expectOk(await s.h.call('POST', `/api/v1/gateways/${s.gatewayId}/sync`, { key: s.h.admin.key }), 202);
    await until('onSyncRequested', 30_000, async () => s.rec.calls.includes(`sync:${s.gatewayId}`));
    await untilGateway(s, 'lastSyncedAt moves', (g) => g.lastSyncedAt > before.lastSyncedAt, 30_000);

    await until('onTick while connected', 30_000, async () => s.rec.calls.includes(`tick:${s.gatewayId}:connected`));

    const works = () => s.rec.calls.filter((c) => c === `work:${s.gatewayId}`).length;
    const n = works();
    await inTransaction(s.h.ctxFor({ kind: 'system', name: 'test' }), (tx) => signalGatewayWork(tx, s.gatewayId));
    await until('onWork after the signal', 30_000, async () => works() > n);
  });

  it('a wrong token reads unauthorized with its last error; the right one connects again', async () => {
    const cur = expectOk(await get(s));
    expectOk(await s.h.call('PATCH', `/api/v1/gateways/${s.gatewayId}`, { key: s.h.admin.key, body: { token: 'not-the-token', version: cur.version } }));
    const bad = await untilGateway(s, 'unauthorized', (g) => g.state === 'unauthorized' && !!g.lastError, 60_000);
    expect(bad.lastError).not.toContain(fixture.token);
    const cur2 = expectOk(await get(s));
    expectOk(await s.h.call('PATCH', `/api/v1/gateways/${s.gatewayId}`, { key: s.h.admin.key, body: { token: fixture.token, version: cur2.version } }));
    await untilGateway(s, 'connected again', (g) => g.state === 'connected', 60_000);
  });

  it.skipIf(kind !== 'postgres')('two runtimes on one database keep one connection; the other takes over when the owner goes', async () => {
    const second: Database = await openDatabase({ databaseUrl: s.h.database.url!, migrate: false });
    const other = createGatewayRuntime(asSystem({ ...s.h.ctxFor({ kind: 'system', name: 'test' }), db: second.db }, 'gateways'), {
      database: second,
      handlers: [],
      refreshIntervalMs: 500,
      log,
    });
    const owners = () => [s.runtime, other].filter((r) => r.owned().includes(s.gatewayId));
    try {
      await other.start();
      await other.pool.refresh(); // one full pass: it listed the gateway and asked for its lease
      expect(s.runtime.owned()).toEqual([s.gatewayId]);
      expect(other.owned()).toEqual([]);

      // The owner's lock connection dies (as when its process dies): it lets the gateway go at once, and exactly one
      // runtime holds it again after the next refreshes.
      const admin = await openDatabase({ databaseUrl: s.h.database.url!, migrate: false, poolSize: 1 });
      try {
        const killed = await admin.db.execute(
          sql`SELECT pg_terminate_backend(l.pid) AS ok FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        expect((killed as unknown as { rows: unknown[] }).rows).toHaveLength(1);
      } finally {
        await admin.close();
      }
      await until('exactly one owner, connected', 60_000, async () => {
        const o = owners();
        return o.length === 1 && o[0].pool.client(s.gatewayId)?.state === 'connected';
      });

      // The owner stops (shutdown releases the lease): the other takes over. If that was this file's runtime, a fresh
      // one replaces it and takes the gateway back when the other stops in turn.
      const owner = owners()[0];
      await owner.stop();
      const next = owner === other ? s.runtime : other;
      await until('the other runtime owns it', 60_000, async () => next.owned().includes(s.gatewayId) && next.pool.client(s.gatewayId)?.state === 'connected');
      expect(owners()).toEqual([next]);
      if (owner === s.runtime) {
        s.runtime = createGatewayRuntime(asSystem(s.h.ctxFor({ kind: 'system', name: 'test' }), 'gateways'), { database: s.h.database, handlers: [failing, s.rec.handlers], refreshIntervalMs: 1_000, log });
        await s.runtime.start();
        await s.runtime.pool.refresh();
        expect(s.runtime.owned()).toEqual([]);
        await other.stop();
        await until('the fresh runtime owns it', 60_000, async () => s.runtime.owned().includes(s.gatewayId));
      }
      await untilGateway(s, 'connected', (g) => g.state === 'connected', 60_000);
    } finally {
      await other.stop();
      await second.close();
    }
  });
});

describe('a killed gateway', () => {
  it('reads unreachable on every database, the API answers meanwhile, and it is connected again after a restart', { timeout: 400_000 }, async () => {
    expect(setups.length).toBeGreaterThan(0);
    await fixture.kill({ hard: true });
    for (const s of setups) {
      await untilGateway(s, 'unreachable', (g) => g.state === 'unreachable' && !!g.lastError, 120_000);
      // Requests do not wait on a gateway: the API answers normally while it is down.
      expect((await s.h.call('GET', '/api/v1/health')).status).toBe(200);
      expect((await s.h.call('GET', `/api/v1/gateways?workspaceId=${expectOk(await get(s)).workspaceId}`, { key: s.h.admin.key })).status).toBe(200);
      expect(s.rec.calls).toContain(`disconnected:${s.gatewayId}`);
    }
    await fixture.start();
    for (const s of setups) await untilGateway(s, 'connected after the restart', (g) => g.state === 'connected', 120_000);
  });
});
