// Device identity: key generation, storage round trip, and the exact signed string (checked independently with
// node:crypto here; against a real gateway in client.gateway.test.ts).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildDeviceAuthPayload,
  deriveDeviceId,
  generateDeviceIdentity,
  GatewayClient,
  parseDeviceIdentity,
  publicKeyRawBase64Url,
  serializeDeviceIdentity,
  signDeviceConnect,
  verifyDeviceConnect,
} from '../src/index';
import { FakeGateway } from './fake-gateway';

describe('device identity', () => {
  it('derives the device id as the SHA-256 of the raw public key and round-trips through storage', () => {
    const id = generateDeviceIdentity();
    const raw = Buffer.from(publicKeyRawBase64Url(id.publicKeyPem), 'base64url');
    expect(raw).toHaveLength(32);
    expect(id.deviceId).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(deriveDeviceId(id.publicKeyPem)).toBe(id.deviceId);
    expect(parseDeviceIdentity(serializeDeviceIdentity(id))).toEqual(id);
  });

  it('refuses a stored identity whose parts do not belong together', () => {
    const a = generateDeviceIdentity();
    const b = generateDeviceIdentity();
    expect(() => parseDeviceIdentity(serializeDeviceIdentity({ ...a, deviceId: b.deviceId }))).toThrow(/id does not match/);
    expect(() => parseDeviceIdentity(serializeDeviceIdentity({ ...a, privateKeyPem: b.privateKeyPem }))).toThrow(/belong together/);
    expect(() => parseDeviceIdentity('{"version":2}')).toThrow();
  });

  it('builds the v3 string and signs it with Ed25519', () => {
    expect(
      buildDeviceAuthPayload({
        deviceId: 'dev',
        clientId: 'gateway-client',
        clientMode: 'backend',
        role: 'operator',
        scopes: ['operator.read', 'operator.admin'],
        signedAtMs: 1700000000000,
        token: 'tok',
        nonce: 'n-1',
        platform: ' Linux ',
      }),
    ).toBe('v3|dev|gateway-client|backend|operator|operator.read,operator.admin|1700000000000|tok|n-1|linux|');
    const id = generateDeviceIdentity();
    const fields = { clientId: 'gateway-client', clientMode: 'backend', role: 'operator', scopes: ['operator.read'], token: 't', platform: 'linux' };
    const proof = signDeviceConnect(id, { ...fields, signedAtMs: 1234, nonce: 'abc' });
    expect(proof).toMatchObject({ id: id.deviceId, signedAt: 1234, nonce: 'abc', publicKey: publicKeyRawBase64Url(id.publicKeyPem) });
    const expected = `v3|${id.deviceId}|gateway-client|backend|operator|operator.read|1234|t|abc|linux|`;
    expect(verify(null, Buffer.from(expected), createPublicKey(id.publicKeyPem), Buffer.from(proof.signature, 'base64url'))).toBe(true);
    expect(verifyDeviceConnect(proof, fields)).toBe(true);
    expect(verifyDeviceConnect({ ...proof, nonce: 'other' }, fields)).toBe(false);
    expect(verifyDeviceConnect(proof, { ...fields, token: 'other' })).toBe(false);
  });

  it('the client sends a proof over the challenge nonce and timestamp', async () => {
    const g = await new FakeGateway().start();
    const id = generateDeviceIdentity();
    const c = new GatewayClient({ url: g.url, token: 'tok', deviceIdentity: id }).start();
    try {
      await c.ready({ timeoutMs: 10_000 });
      const params = g.connects[0];
      expect(params.device.nonce).toBe('nonce-1');
      expect(typeof params.device.signedAt).toBe('number');
      expect(
        verifyDeviceConnect(params.device, {
          clientId: params.client.id,
          clientMode: params.client.mode,
          role: params.role,
          scopes: params.scopes,
          token: params.auth.token,
          platform: params.client.platform,
        }),
      ).toBe(true);
    } finally {
      await c.close();
      await g.kill();
    }
  });
});
