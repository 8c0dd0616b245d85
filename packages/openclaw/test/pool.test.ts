// GatewayPool against local fake gateways: leases decide who connects, targets come and go, credentials change.
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayNotOwnedError, GatewayPool, type GatewayLiveState, type GatewayTarget } from '../src/index';
import { FakeGateway } from './fake-gateway';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fake(token = 'tok'): Promise<FakeGateway> {
  const g = await new FakeGateway({
    onConnect: (p) =>
      p.auth?.token === token
        ? { ok: true }
        : { ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } } },
    onRequest: (method) => (method === 'agents.list' ? { defaultId: 'a1', agents: [{ id: 'a1', name: 'Agent One' }, { id: 'a2' }] } : { ok: true }),
  }).start();
  cleanups.push(() => g.kill());
  return g;
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (check()) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}

describe('GatewayPool', () => {
  it('connects only where it holds the lease, reports live state with hosted agents, releases on stop', async () => {
    const g1 = await fake();
    const g2 = await fake();
    const live: Array<[string, GatewayLiveState]> = [];
    const leases: string[] = [];
    const released: string[] = [];
    const pool = new GatewayPool({
      listTargets: async () => [
        { id: 'one', url: g1.url, token: 'tok' },
        { id: 'two', url: g2.url, token: 'tok' },
      ],
      acquireLease: async (id) => {
        leases.push(id);
        return id === 'one' ? () => void released.push(id) : null;
      },
      onLiveState: (id, s) => void live.push([id, s]),
      refreshIntervalMs: 0,
    });
    cleanups.push(() => pool.stop());
    await pool.start();
    await until(() => pool.live('one')?.agents.length === 2);
    expect(pool.owned()).toEqual(['one']);
    expect(g2.connections).toBe(0);
    expect(pool.live('one')).toMatchObject({ state: 'connected', serverVersion: 'fake-1.0', protocol: 4, agents: [{ id: 'a1', name: 'Agent One' }, { id: 'a2', name: 'a2' }] });
    expect(live.map(([id]) => id).every((id) => id === 'one')).toBe(true);
    expect(live.map(([, s]) => s.state)).toEqual(['connecting', 'connected', 'connected']);
    expect(await pool.request('one', 'health')).toEqual({ ok: true });
    await expect(pool.request('two', 'health')).rejects.toBeInstanceOf(GatewayNotOwnedError);
    // the lease for 'two' is asked again on the next refresh
    await pool.refresh();
    expect(leases.filter((id) => id === 'two')).toHaveLength(2);
    expect(leases.filter((id) => id === 'one')).toHaveLength(1);
    await pool.stop();
    expect(released).toEqual(['one']);
  });

  it('drops removed targets (releasing the lease) and reconnects when the token changes', async () => {
    const g = await fake('new-token');
    let targets: GatewayTarget[] = [{ id: 'gw', url: g.url, token: 'old-token' }];
    const released: string[] = [];
    const pool = new GatewayPool({
      listTargets: async () => targets,
      acquireLease: async (id) => () => void released.push(id),
      refreshIntervalMs: 0,
      clientOptions: { backoff: { initialMs: 10, maxMs: 50 } },
    });
    cleanups.push(() => pool.stop());
    await pool.start();
    await until(() => pool.live('gw')?.state === 'unauthorized');
    expect(pool.live('gw')?.lastError).toMatch(/AUTH_TOKEN_MISMATCH/);
    targets = [{ id: 'gw', url: g.url, token: 'new-token' }];
    await pool.refresh();
    await until(() => pool.live('gw')?.state === 'connected');
    expect(g.connects.map((c) => c.auth.token)).toEqual(['old-token', 'new-token']);
    expect(released).toEqual([]);
    // relinquished (lease lost): closed and released, taken again on the next refresh
    await pool.relinquish('gw');
    expect(pool.owned()).toEqual([]);
    expect(released).toEqual(['gw']);
    await pool.refresh();
    await until(() => pool.live('gw')?.state === 'connected');
    targets = [];
    await pool.refresh();
    expect(pool.owned()).toEqual([]);
    expect(released).toEqual(['gw', 'gw']);
  });

  it('survives failing callbacks and lease errors, reporting them', async () => {
    const g = await fake();
    const errors: string[] = [];
    let failLease = true;
    const pool = new GatewayPool({
      listTargets: async () => [{ id: 'gw', url: g.url, token: 'tok' }],
      acquireLease: async () => {
        if (failLease) throw new Error('db down');
        return () => {};
      },
      onLiveState: () => {
        throw new Error('cannot persist');
      },
      onError: (err, ctx) => void errors.push(`${ctx.during}: ${(err as Error).message}`),
      refreshIntervalMs: 0,
    });
    cleanups.push(() => pool.stop());
    await pool.start();
    expect(errors).toEqual(['acquireLease: db down']);
    expect(pool.owned()).toEqual([]);
    failLease = false;
    await pool.refresh();
    await until(() => pool.live('gw')?.state === 'connected');
    await until(() => errors.some((e) => e.startsWith('onLiveState')));
    expect(errors).toContain('onLiveState: cannot persist');
  });
});
