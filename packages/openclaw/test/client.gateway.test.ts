// The client and pool against a real OpenClaw gateway (pinned 2026.9.6, stub model): one gateway for the file.
// The gateway listens on all interfaces (bind lan) so that the device-pairing tests can reach it through this
// machine's LAN address, as a remote Mission Control would; every other test uses loopback.
// Run alone: node scripts/openclaw-install.mjs && npx vitest run --config vitest.openclaw.config.ts
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GatewayClient,
  GatewayNotOwnedError,
  GatewayPool,
  GatewayUnavailableError,
  generateDeviceIdentity,
  type GatewayEvent,
  type GatewayLiveState,
  type GatewayState,
} from '../src/index';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture';

let gw: GatewayFixture;
const clients: GatewayClient[] = [];

const lanIp = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

beforeAll(async () => {
  gw = await startGatewayFixture({ bind: 'lan' });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  // start times, for the CI budget (reported in the test output)
  if (gw) console.log(`openclaw ${gw.version} gateway ready after ${gw.startTimesMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  await gw?.stop();
});

function client(opts: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  const c = new GatewayClient({ url: gw.url, token: gw.token, backoff: { initialMs: 200, maxMs: 2_000 }, ...opts });
  clients.push(c);
  return c;
}

function reach(c: GatewayClient, state: GatewayState): Promise<void> {
  if (c.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: { state: GatewayState }) => {
      if (s.state !== state) return;
      c.off('state', on);
      resolve();
    };
    c.on('state', on);
  });
}

function collect(c: GatewayClient, filter: (e: GatewayEvent) => boolean): GatewayEvent[] {
  const out: GatewayEvent[] = [];
  c.on('event', (e) => {
    if (filter(e)) out.push(e);
  });
  return out;
}

const runEvent = (runId: string) => (e: GatewayEvent) => e.event === 'agent' && (e.payload as { runId?: string })?.runId === runId;

describe('against a real OpenClaw gateway', () => {
  let main: GatewayClient;

  it('connects with protocol v4 and reads the hosted agents', async () => {
    main = client().start();
    const hello = await main.ready({ timeoutMs: 60_000 });
    expect(hello.protocol).toBe(4);
    const s = main.getStatus();
    expect(s).toMatchObject({ state: 'connected', serverVersion: gw.version, protocol: 4, tickIntervalMs: 30_000 });
    for (const m of ['health', 'agents.list', 'agent', 'agent.wait', 'cron.list', 'cron.add', 'cron.update', 'cron.remove', 'cron.runs', 'config.get', 'config.patch', 'chat.history']) {
      expect(s.methods).toContain(m);
    }
    expect(s.events).toEqual(expect.arrayContaining(['tick', 'agent', 'cron', 'chat']));
    const agents = await main.api.agentsList();
    expect(agents.defaultId).toBe('main');
    expect(agents.agents.map((a) => ({ id: a.id, name: a.name }))).toEqual([
      { id: 'main', name: 'Main' },
      { id: 'helper', name: 'Helper' },
    ]);
    const health = await main.api.health();
    expect(health.ok).toBe(true);
  });

  it('the pool connects only to gateways whose lease it holds and reports live state with the hosted agents', async () => {
    const live: Array<[string, GatewayLiveState]> = [];
    const released: string[] = [];
    let connected!: () => void;
    const gotAgents = new Promise<void>((r) => (connected = r));
    const pool = new GatewayPool({
      listTargets: async () => [
        { id: 'gw-held', url: gw.url, token: gw.token },
        { id: 'gw-elsewhere', url: gw.url, token: gw.token },
      ],
      acquireLease: async (id) => (id === 'gw-held' ? () => void released.push(id) : null),
      onLiveState: (id, s) => {
        live.push([id, s]);
        if (s.state === 'connected' && s.agents.length > 0) connected();
      },
      refreshIntervalMs: 0,
    });
    await pool.start();
    await gotAgents;
    expect(pool.owned()).toEqual(['gw-held']);
    expect(live.every(([id]) => id === 'gw-held')).toBe(true);
    expect(live[0][1].state).toBe('connecting');
    expect(pool.live('gw-held')).toMatchObject({
      state: 'connected',
      serverVersion: gw.version,
      protocol: 4,
      agents: [
        { id: 'main', name: 'Main' },
        { id: 'helper', name: 'Helper' },
      ],
      lastError: null,
    });
    expect(await pool.request<{ ok: boolean }>('gw-held', 'health', {})).toMatchObject({ ok: true });
    await expect(pool.request('gw-elsewhere', 'health', {})).rejects.toBeInstanceOf(GatewayNotOwnedError);
    await pool.stop();
    expect(released).toEqual(['gw-held']);
    expect(pool.owned()).toEqual([]);
  });

  it('dispatches a run with `agent`; agent.wait gives the stub reply and the run events carry usage', async () => {
    const marker = randomUUID();
    gw.stub.configure({ mode: 'ok', reply: (req) => `done: ${req.allText.includes(marker) ? marker : 'unknown'}` });
    const runId = `mc-exec-${randomUUID()}`;
    const events = collect(main, runEvent(runId));
    const before = gw.stub.requests.length;
    const accepted = await main.api.agent({ message: `Please handle ${marker}`, agentId: 'helper', idempotencyKey: runId });
    expect(accepted).toMatchObject({ runId, status: 'accepted' });
    const result = await main.api.agentWait({ runId, timeoutMs: 120_000 });
    expect(result.status).toBe('ok');
    expect(result.terminalReply?.text).toBe(`done: ${marker}`);
    expect(gw.stub.requests.length).toBe(before + 1);
    // the lifecycle runs start → end, the end carrying the terminal reply; usage arrives on the usage stream
    await main.waitForEvent((e) => runEvent(runId)(e) && (e.payload as any).stream === 'lifecycle' && (e.payload as any).data?.phase === 'end', {
      timeoutMs: 30_000,
    }).catch(() => null);
    const lifecycle = events.filter((e) => (e.payload as any).stream === 'lifecycle').map((e) => (e.payload as any).data?.phase);
    expect(lifecycle[0]).toBe('start');
    expect(lifecycle).toContain('end');
    const usage = events.filter((e) => (e.payload as any).stream === 'usage').map((e) => (e.payload as any).data);
    expect(usage.length).toBeGreaterThan(0);
    expect(usage.at(-1)).toMatchObject({ outputTokens: gw.stub.usage.completion_tokens });
    const firstLifecycle = events.find((e) => (e.payload as any).stream === 'lifecycle')!.payload as { agentId: string; sessionKey: string };
    expect(firstLifecycle.agentId).toBe('helper');
    // the transcript has the full usage of the run's model call (input and output tokens, as the stub reported)
    const history = await main.api.chatHistory({ sessionKey: firstLifecycle.sessionKey, limit: 20 });
    const reply = (history.messages as any[]).find((m) => m.role === 'assistant' && m.__openclaw?.runId === runId);
    expect(reply.usage).toMatchObject({ input: gw.stub.usage.prompt_tokens, output: gw.stub.usage.completion_tokens });

    // the same idempotency key again does not start a second run
    const again = await main.api.agent({ message: `Please handle ${marker}`, agentId: 'helper', idempotencyKey: runId });
    expect(again.runId).toBe(runId);
    expect(again.status).not.toBe('accepted');
    const waitedAgain = await main.api.agentWait({ runId, timeoutMs: 10_000 });
    expect(waitedAgain.terminalReply?.text).toBe(`done: ${marker}`);
    expect(gw.stub.requests.length).toBe(before + 1);
  });

  it('cron jobs: add, list, update, remove — and the built-in jobs are left alone', async () => {
    const builtins = (await main.api.cronListAll({ includeDisabled: true })).filter((j) => j.declarationKey);
    expect(builtins.length).toBeGreaterThanOrEqual(3);
    const builtinsBefore = JSON.stringify(builtins.map((j) => [j.id, j.updatedAtMs, j.enabled]).sort());
    const cronEvents = collect(main, (e) => e.event === 'cron');

    const name = `mc-test-${randomUUID().slice(0, 8)}`;
    const added = await main.api.cronAdd({
      name,
      agentId: 'helper',
      enabled: true,
      description: 'created by the Mission Control client test',
      schedule: { kind: 'cron', expr: '0 4 * * *', tz: 'UTC' },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'nightly check' },
      delivery: { mode: 'none' },
    });
    expect(added).toMatchObject({ name, agentId: 'helper', enabled: true, schedule: { kind: 'cron', expr: '0 4 * * *' }, delivery: { mode: 'none' } });
    expect(typeof added.id).toBe('string');

    const listed = await main.api.cronListAll({ includeDisabled: true });
    expect(listed.filter((j) => j.id === added.id)).toHaveLength(1);

    const updated = await main.api.cronUpdate(added.id, { name: `${name}-renamed`, enabled: false, schedule: { kind: 'every', everyMs: 3_600_000 } });
    expect(updated).toMatchObject({ id: added.id, name: `${name}-renamed`, enabled: false, schedule: { kind: 'every', everyMs: 3_600_000 } });
    expect(await main.api.cronGet(added.id)).toMatchObject({ id: added.id, name: `${name}-renamed`, enabled: false });

    await main.api.cronRemove(added.id);
    const after = await main.api.cronListAll({ includeDisabled: true });
    expect(after.some((j) => j.id === added.id)).toBe(false);
    await expect(main.api.cronGet(added.id)).rejects.toMatchObject({ name: 'GatewayRequestError', code: 'INVALID_REQUEST' });

    const actions = cronEvents.filter((e) => (e.payload as any).jobId === added.id).map((e) => (e.payload as any).action);
    expect(actions).toEqual(['added', 'updated', 'removed']);
    const builtinsAfter = (await main.api.cronListAll({ includeDisabled: true })).filter((j) => j.declarationKey);
    expect(JSON.stringify(builtinsAfter.map((j) => [j.id, j.updatedAtMs, j.enabled]).sort())).toBe(builtinsBefore);
  });

  it('a bad token gives `unauthorized` with the reason, without retrying in a loop', async () => {
    const bad = client({ token: 'not-the-token' });
    const states: GatewayState[] = [];
    bad.on('state', (s) => states.push(s.state));
    bad.start();
    await expect(bad.ready({ timeoutMs: 60_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(bad.state).toBe('unauthorized');
    expect(bad.getStatus().lastError).toMatch(/AUTH_TOKEN_MISMATCH/);
    await expect(bad.request('health', {}, { timeoutMs: 60_000 })).rejects.toMatchObject({ name: 'GatewayUnavailableError', sent: false });
    expect(states).toEqual(['unauthorized']);
    await bad.close();
  });

  it('a device identity signs the handshake the way the gateway verifies it', async () => {
    const identity = generateDeviceIdentity();
    const withDevice = client({ deviceIdentity: identity }).start();
    await withDevice.ready({ timeoutMs: 60_000 }); // the gateway checks the proof before anything else
    expect(withDevice.state).toBe('connected');
    await withDevice.close();
    // the same device id and public key signed with another key: refused as an invalid signature
    const other = generateDeviceIdentity();
    const forged = client({ deviceIdentity: { ...identity, privateKeyPem: other.privateKeyPem }, unauthorizedRetryMs: null }).start();
    await expect(forged.ready({ timeoutMs: 60_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(forged.state).toBe('unauthorized');
    expect(forged.getStatus().lastError).toMatch(/DEVICE_AUTH_SIGNATURE_INVALID/);
    await forged.close();
  });

  // Device pairing needs a non-loopback address to play the remote side (a machine without one skips these two).
  describe.skipIf(!lanIp)('reached over the network (device pairing)', () => {
    it('without a device identity the gateway grants no scopes: the client says unauthorized, not connected', async () => {
      const c = client({ url: `ws://${lanIp}:${gw.port}`, unauthorizedRetryMs: null }).start();
      await expect(c.ready({ timeoutMs: 60_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
      expect(c.getStatus()).toMatchObject({ state: 'unauthorized', grantedScopes: [] });
      expect(c.getStatus().lastError).toMatch(/device identity/);
      await c.close();
    });

    it('a new device waits for approval; after `openclaw devices approve` it connects with its scopes and a device token', async () => {
      const identity = generateDeviceIdentity();
      const c = client({ url: `ws://${lanIp}:${gw.port}`, deviceIdentity: identity, pairingRetryMs: null });
      const deviceToken = new Promise<string>((resolve) => c.once('deviceToken', resolve));
      c.start();
      await reach(c, 'unauthorized');
      const { pairingRequestId, lastError } = c.getStatus();
      expect(pairingRequestId).toMatch(/\S/);
      expect(lastError).toContain(`openclaw devices approve ${pairingRequestId}`);

      // the operator, on the gateway host
      const listed = await gw.cli(['devices', 'list', '--json']);
      expect(listed.code).toBe(0);
      const pending = JSON.parse(listed.stdout).pending as Array<{ requestId: string; deviceId: string; clientId: string; role: string }>;
      expect(pending).toContainEqual(
        expect.objectContaining({ requestId: pairingRequestId, deviceId: identity.deviceId, clientId: 'gateway-client', role: 'operator' }),
      );
      const approved = await gw.cli(['devices', 'approve', pairingRequestId!]);
      expect(approved.code).toBe(0);

      c.reconnectNow();
      await c.ready({ timeoutMs: 60_000 });
      expect(c.getStatus()).toMatchObject({ state: 'connected', pairingRequestId: null });
      expect(c.getStatus().grantedScopes).toEqual(expect.arrayContaining(['operator.read', 'operator.write', 'operator.admin']));
      expect(await deviceToken).toMatch(/\S/);
      const agents = await c.api.agentsList();
      expect(agents.agents.map((a) => a.id)).toEqual(['main', 'helper']);
      await c.close();
    });
  });

  it('gateway killed mid-run: pending requests fail at once, the client goes unreachable and reconnects after a restart', async () => {
    gw.stub.configure({ mode: 'hang' });
    const runId = `mc-exec-${randomUUID()}`;
    const modelCalled = gw.stub.nextRequest();
    await main.api.agent({ message: 'this run will be cut off', agentId: 'main', idempotencyKey: runId });
    await modelCalled; // the run is now inside its model call, which never answers
    const waiting = main.api.agentWait({ runId, timeoutMs: 600_000 }).catch((e: any) => e);
    const unreachable = reach(main, 'unreachable');

    await gw.kill({ hard: true });
    const err = await waiting; // with a 10-minute wait this only returns early because the drop is noticed
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect(err.sent).toBe(true);
    await unreachable;
    expect(main.getStatus().lastError).toBeTruthy();
    await expect(main.api.health({ timeoutMs: 600_000 })).rejects.toMatchObject({ name: 'GatewayUnavailableError', sent: false });

    gw.stub.configure({ mode: 'ok' });
    await gw.start();
    await reach(main, 'connected');
    expect(main.getStatus()).toMatchObject({ state: 'connected', serverVersion: gw.version });
    expect((await main.api.agentsList()).agents.map((a) => a.id)).toEqual(['main', 'helper']);
  }, 420_000);
});
