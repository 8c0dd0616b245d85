// Our signatures against the independent `standardwebhooks` library (the reference implementation receivers use).
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { agentSigningSecret, agentSigningSecretFromKey, newWebhookSecret, signPayload, verifySignature, webhookHeaders } from './signing';
import { sha256 } from '../shared/crypto';

const body = JSON.stringify({ id: 'evt_1', type: 'ticket.created', data: { ticket: { title: 'Ünïcode ✓' } } });

describe('webhook signatures', () => {
  it('new secrets are whsec_ + 32 random bytes in base64, and differ', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('standardwebhooks verifies what we sign, and we produce exactly its signature', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const ts = Math.floor(now.getTime() / 1000);
    const headers = webhookHeaders([secret], 'whd_1', ts, body);
    const wh = new Webhook(secret);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(wh.sign('whd_1', new Date(ts * 1000), body));
  });

  it('a tampered body, id or timestamp, or another secret, does not verify', () => {
    const secret = newWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([secret], 'whd_1', ts, body);
    const wh = new Webhook(secret);
    expect(() => wh.verify(body.replace('evt_1', 'evt_2'), headers)).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'whd_2' })).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('with two secrets (rotation grace) both verify: the signatures are space-separated', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([current, previous], 'whd_9', ts, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('verifySignature agrees with the library, including the timestamp tolerance', () => {
    const secret = newWebhookSecret();
    const now = new Date('2026-03-01T12:00:00Z');
    const ts = Math.floor(now.getTime() / 1000);
    const signature = signPayload(secret, 'whd_1', ts, body);
    expect(verifySignature(secret, { id: 'whd_1', timestamp: String(ts), signature: `v1,bogus ${signature}` }, body, { now })).toBe(true);
    expect(verifySignature(secret, { id: 'whd_1', timestamp: String(ts), signature }, body, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifySignature(secret, { id: 'whd_1', timestamp: String(ts), signature: signature.replace('v1,', 'v2,') }, body, { now })).toBe(false);
  });

  it("an agent's signing secret is derived from its API key: the stored hash and the key give the same secret", () => {
    const key = 'mc_agt_exampleKeyValue0123456789';
    expect(agentSigningSecret(sha256(key))).toBe(agentSigningSecretFromKey(key));
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([agentSigningSecret(sha256(key))], 'whd_a', ts, body);
    expect(new Webhook(agentSigningSecretFromKey(key)).verify(body, headers)).toBeTruthy();
  });
});
