// The gateway runtime without a gateway (issue 15): what it records for gateways it cannot connect to — a token this
// process cannot open, nothing listening at the address, an address the rules refuse when resolved — and that
// neither start-up nor a request waits for them. The real-gateway half is runtime.gateway.test.ts.
import net from 'node:net';
import { asSystem, gatewayLookup, randomSecretKeyring } from '@mc/core';
import { until } from '@mc/db/testing';
import { GatewayClient } from '@mc/openclaw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from '../../../../packages/api/test/harness';
import { createWorkspace, expectOk } from '../../../../packages/api/test/helpers';
import { createGatewayRuntime, gatewayLeaseKey, type GatewayRuntime } from './runtime';

let h: Harness;
let wsId: string;
const runtimes: GatewayRuntime[] = [];
const logged: string[] = [];
const TOKEN = `tok-${Date.now().toString(36)}-SECRET`;

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const register = async (url: string) =>
  expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: wsId, name: uniq('gw'), url, token: TOKEN } }), 201) as { id: string };
const get = async (id: string) => expectOk(await h.call('GET', `/api/v1/gateways/${id}`, { key: h.admin.key }));

beforeAll(async () => {
  h = await createHarness();
  wsId = (await createWorkspace(h, h.admin.key)).id;
});
afterAll(async () => {
  for (const r of runtimes) await r.stop();
  await h?.close();
  expect(logged.filter((l) => l.includes(TOKEN))).toEqual([]);
});

describe('the gateway runtime without a gateway', () => {
  it('a gateway nobody listens for reads unreachable with its error; start-up and requests do not wait for it', async () => {
    const gw = await register(`ws://127.0.0.1:${await deadPort()}`);
    const runtime = createGatewayRuntime(asSystem(h.ctxFor({ kind: 'system', name: 'test' }), 'gateways'), {
      database: h.database,
      handlers: [],
      log: (l) => void logged.push(l),
    });
    runtimes.push(runtime);
    await runtime.start();
    expect((await h.call('GET', '/api/v1/health')).status).toBe(200);
    const g = await until('unreachable', 30_000, async () => {
      const g = await get(gw.id);
      return g.state === 'unreachable' && g;
    });
    expect(g.lastError).toBeTruthy();
    expect(g.lastErrorAt).not.toBeNull();
    // The embedded database has one process: it owns every gateway.
    expect(runtime.owned()).toContain(gw.id);
    await runtime.stop();
    expect(runtime.owned()).toEqual([]);
  });

  it("a token this process cannot open: not connected, unauthorized with the reason as lastError", async () => {
    const gw = await register(`ws://127.0.0.1:${await deadPort()}`);
    // Another process's keyring: the stored token does not open there.
    const otherKey = { ...h.ctxFor({ kind: 'system', name: 'test' }), config: { ...h.deps.config, secrets: randomSecretKeyring() } };
    const runtime = createGatewayRuntime(asSystem(otherKey, 'gateways'), { database: { ...h.database, tryLease: async () => null }, handlers: [], log: (l) => void logged.push(l) });
    runtimes.push(runtime);
    await runtime.start();
    const g = await until('unauthorized', 30_000, async () => {
      const g = await get(gw.id);
      return g.state === 'unauthorized' && g;
    });
    expect(g.lastError).toMatch(/token cannot be opened/);
    expect(runtime.owned()).not.toContain(gw.id);
  });

  it('the client refuses an address the rules refuse when the name resolves (gatewayLookup as the socket lookup)', async () => {
    const client = new GatewayClient({ url: `ws://localhost:${await deadPort()}`, token: 'x', lookup: gatewayLookup({ allowPrivate: false, allowedHosts: [] }) }).start();
    try {
      await until('unreachable', 30_000, async () => client.getStatus().state === 'unreachable');
      expect(client.getStatus().lastError).toMatch(/loopback|internal|private|allowed/i);
    } finally {
      await client.close();
    }
  });

  it('lease keys are stable signed 64-bit integers, distinct per gateway', () => {
    const k = gatewayLeaseKey('gtw_abc');
    expect(k).toBe(gatewayLeaseKey('gtw_abc'));
    expect(k).not.toBe(gatewayLeaseKey('gtw_abd'));
    expect(k >= -(2n ** 63n) && k < 2n ** 63n).toBe(true);
  });
});
