// The server's composition root through a PostgreSQL outage: the runtime the server builds (pool, LISTEN, LiveBus,
// lease sweeper, webhook runner, flushers) on a database reached through a loopback TCP proxy that the test cuts and
// restores. The process survives, health follows the database, the LISTEN reconnect wakes the bus's waiters, and
// the runners that pass every half second log their failure once, not on every pass. PostgreSQL only.
import { createApiApp } from '@mc/api';
import { LIVE_RESYNC } from '@mc/core';
import { createTestDatabase, startTcpProxy, until, type TcpProxy, type TestDatabase } from '@mc/db/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime, type Runtime } from './context';
import { loadEnv } from './env';

const pgUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!pgUrl)('the server runtime through a PostgreSQL outage', () => {
  let fixture: TestDatabase;
  let proxy: TcpProxy;
  let runtime: Runtime;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-runtime-'));

  beforeAll(async () => {
    fixture = await createTestDatabase();
    const target = new URL(fixture.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(fixture.url!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    runtime = await createRuntime(loadEnv({ NODE_ENV: 'test', DATABASE_URL: viaProxy.toString(), MC_DB_CONNECT_TIMEOUT_MS: '1000', MC_DATA_DIR: dataDir }), 'test');
  });
  afterAll(async () => {
    await proxy?.restore();
    await runtime?.close();
    await proxy?.close();
    await fixture?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives, reports health, wakes waiters on reconnect and logs each runner once', { timeout: 90_000 }, async () => {
    const api = createApiApp(runtime.deps);
    const health = async () => {
      const r = await api.app.request('http://mc.test/api/v1/health');
      return { status: r.status, body: (await r.json()) as any, retryAfter: r.headers.get('retry-after') };
    };
    expect((await health()).body.data).toMatchObject({ status: 'ok', database: 'postgres', liveEvents: 'connected' });

    // A waiter on the bus for something that never comes: only the reconnect can wake it before its 50 s.
    const woken = runtime.deps.live.waitFor(() => false, 50_000);
    const lines: string[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    try {
      await proxy.cut();
      const down = await until('health 503', 10_000, async () => {
        const h = await health();
        return h.status === 503 && h;
      });
      expect(down.body.error).toMatchObject({ code: 'UNAVAILABLE', details: { databaseState: 'unreachable' } });
      expect(Number(down.retryAfter)).toBeGreaterThan(0);
      await until('the LISTEN connection to notice', 10_000, async () => runtime.database.listenState() === 'reconnecting');
      // Let the webhook runner (every 500 ms) and the LISTEN reconnects (backoff from 250 ms) fail a few times.
      const failingSince = Date.now();
      await until('a few seconds of outage', 10_000, async () => Date.now() - failingSince >= 3_000);

      await proxy.restore();
      // A liveness bound, not a timing claim: LISTEN retries at most every 5 s, but on a loaded CI machine (two cores,
      // both test forks busy) each reconnect may also wait on the 1 s connect timeout of the pool, so allow 40 s.
      await until('health 200 with live events', 40_000, async () => {
        const h = await health();
        return h.status === 200 && h.body.data.liveEvents === 'connected';
      });
      expect(await woken).toMatchObject({ type: LIVE_RESYNC });
      // The webhook runner's first pass after the restore logs its recovery.
      await until('the webhook runner to recover', 10_000, async () => lines.some((l) => l.startsWith('[webhooks] runner recovered')));
    } finally {
      errors.mockRestore();
    }
    // One line when failing starts and one on recovery, per part: not one per pass (6+ passes of the webhook runner,
    // several reconnect attempts of LISTEN).
    const of = (prefix: string) => lines.filter((l) => l.startsWith(prefix));
    expect(of('[webhooks]'), lines.join('\n')).toHaveLength(2);
    expect(of('[db] live connection'), lines.join('\n')).toHaveLength(2);
    expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(12);
  });
});
