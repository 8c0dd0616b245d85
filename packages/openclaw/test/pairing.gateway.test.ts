// Device pairing against a real OpenClaw gateway reached through a non-loopback address, as a remote Mission Control
// would reach it: the gateway listens on all interfaces (bind lan) and the client connects to this machine's LAN IP.
// Run alone: node scripts/openclaw-install.mjs && npx vitest run --config vitest.openclaw.config.ts packages/openclaw/test/pairing.gateway.test.ts
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayUnavailableError, generateDeviceIdentity, type GatewayState } from '../src/index';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture';

const lanIp = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

let gw: GatewayFixture;
const clients: GatewayClient[] = [];

beforeAll(async () => {
  if (lanIp) gw = await startGatewayFixture({ bind: 'lan', agents: [{ id: 'main', name: 'Main' }] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (gw) console.log(`openclaw ${gw.version} gateway (bind lan) ready after ${gw.startTimesMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  await gw?.stop();
});

function client(opts: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  const c = new GatewayClient({ url: `ws://${lanIp}:${gw.port}`, token: gw.token, ...opts });
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

// A machine without a non-loopback IPv4 address cannot play the remote side.
describe.skipIf(!lanIp)('device pairing with a gateway reached over the network', () => {
  it('without a device identity the gateway grants no scopes: the client says unauthorized, not connected', async () => {
    const c = client({ unauthorizedRetryMs: null }).start();
    await expect(c.ready({ timeoutMs: 60_000 })).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(c.getStatus()).toMatchObject({ state: 'unauthorized', grantedScopes: [] });
    expect(c.getStatus().lastError).toMatch(/device identity/);
  });

  it('a new device waits for approval; after `openclaw devices approve` it connects with its scopes and a device token', async () => {
    const identity = generateDeviceIdentity();
    const c = client({ deviceIdentity: identity, pairingRetryMs: null });
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
    expect(agents.agents.map((a) => a.id)).toEqual(['main']);
  });
});
