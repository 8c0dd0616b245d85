// Idempotency-Key on creates: a retry with the same key and body replays the first answer and creates nothing;
// the same key with another body is 409; keys are per caller; failures do not poison a key; keys expire.
import { ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields, login, SAME_ORIGIN } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const idem = (key: string) => ({ 'idempotency-key': key });
const workspacesNamed = async (name: string) => h.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.name, name) });

describe('Idempotency-Key', () => {
  it('same key and body: the same answer (same id) with Idempotent-Replayed: true, one row', async () => {
    const user = await h.newUser('Retry');
    const key = uniq('idem');
    const body = { name: uniq('Once'), slug: uniq('once') };
    const first = await h.call('POST', '/api/v1/workspaces', { key: user.key, body, headers: idem(key) });
    const created = expectOk(first, 201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const second = await h.call('POST', '/api/v1/workspaces', { key: user.key, body, headers: idem(key) });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.body.data.id).toBe(created.id);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));

    const third = await h.call('POST', '/api/v1/workspaces', { key: user.key, body, headers: idem(key) });
    expect(third.body.data.id).toBe(created.id);
    expect(await workspacesNamed(body.name)).toHaveLength(1);
    const log = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${created.id}&action=workspace.created`, { key: user.key }));
    expect(log).toHaveLength(1);
  });

  it('never stores a secret: a replayed key or registration secret comes back null, and the table holds neither', async () => {
    const user = await h.newUser('Secret');
    const k = uniq('idem');
    const first = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'ci' }, headers: idem(k) }), 201);
    expect(first.key).toMatch(/^mc_usr_/);
    const replay = await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'ci' }, headers: idem(k) });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data.id).toBe(first.id);
    expect(replay.body.data.key).toBeNull();

    const ws = await createWorkspace(h, user.key);
    const rk = uniq('idem');
    const reg = { workspace: ws.slug, name: uniq('bot').replace(/[^A-Za-z0-9._-]/g, '-'), capabilities: [] };
    const r1 = expectOk(await h.call('POST', '/api/v1/agents', { body: reg, headers: idem(rk) }), 202);
    expect(r1.registrationSecret).toMatch(/^mc_reg_/);
    const r2 = await h.call('POST', '/api/v1/agents', { body: reg, headers: idem(rk) });
    expect(r2.body.data.agentId).toBe(r1.agentId);
    expect(r2.body.data.registrationSecret).toBeNull();

    const stored = JSON.stringify(await h.database.db.query.idempotencyKeys.findMany());
    expect(stored).not.toContain(first.key);
    expect(stored).not.toContain(r1.registrationSecret);
  });

  it('without a key, a retry is a new request (here: 409 for the taken slug)', async () => {
    const body = { name: uniq('NoKey'), slug: uniq('nokey') };
    expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body }), 201);
    expectError(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body }), 409, 'CONFLICT');
  });

  it('same key with a different body is 409 naming Idempotency-Key, and creates nothing', async () => {
    const key = uniq('idem');
    const a = { name: uniq('A'), slug: uniq('a') };
    const b = { name: uniq('B'), slug: uniq('b') };
    expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: a, headers: idem(key) }), 201);
    const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: b, headers: idem(key) });
    expectError(r, 409, 'CONFLICT');
    expect(issueFields(r)).toEqual(['Idempotency-Key']);
    expect(r.headers.get('idempotent-replayed')).toBeNull();
    expect(await workspacesNamed(b.name)).toHaveLength(0);
  });

  it('the same key for another operation or another path is 409 too', async () => {
    const key = uniq('idem');
    const ws = await createWorkspace(h, h.admin.key);
    const other = await createWorkspace(h, h.admin.key);
    const u1 = await h.newUser('M1');
    expectOk(await h.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: h.admin.key, body: { email: u1.email }, headers: idem(key) }), 201);
    expectError(await h.call('POST', `/api/v1/workspaces/${other.id}/members`, { key: h.admin.key, body: { email: u1.email }, headers: idem(key) }), 409, 'CONFLICT');
    expectError(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: uniq('x') }, headers: idem(key) }), 409, 'CONFLICT');
    const members = expectOk(await h.call('GET', `/api/v1/workspaces/${other.id}/members`, { key: h.admin.key }));
    expect(members.map((m: any) => m.userId)).not.toContain(u1.id);
  });

  it('different callers with the same key are independent', async () => {
    const [a, b] = await Promise.all([h.newUser('IdemA'), h.newUser('IdemB')]);
    const key = 'shared-client-generated-key';
    const wa = expectOk(await h.call('POST', '/api/v1/workspaces', { key: a.key, body: { name: 'Mine A', slug: uniq('mine-a') }, headers: idem(key) }), 201);
    const rb = await h.call('POST', '/api/v1/workspaces', { key: b.key, body: { name: 'Mine B', slug: uniq('mine-b') }, headers: idem(key) });
    const wb = expectOk(rb, 201);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect(wb.id).not.toBe(wa.id);
    // Even the very same body from another caller creates (and is refused by the slug, not replayed).
    const sameBody = await h.call('POST', '/api/v1/workspaces', { key: b.key, body: { name: 'Mine A', slug: wa.slug }, headers: idem(uniq('k')) });
    expectError(sameBody, 409, 'CONFLICT');
    // B cannot read A's answer by replaying A's key and body.
    const replayA = await h.call('POST', '/api/v1/workspaces', { key: b.key, body: { name: 'Mine A', slug: wa.slug }, headers: idem(key) });
    expect(replayA.status).toBe(409);
    expect(JSON.stringify(replayA.body)).not.toContain(wa.id);
  });

  it("a caller's keys are theirs across credentials (API key and session)", async () => {
    const user = await h.newUser('Creds');
    const other = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'second' } }), 201);
    const key = uniq('idem');
    const body = { name: uniq('Cross'), slug: uniq('cross') };
    const first = expectOk(await h.call('POST', '/api/v1/workspaces', { key: user.key, body, headers: idem(key) }), 201);
    const viaOtherKey = await h.call('POST', '/api/v1/workspaces', { key: other.key, body, headers: idem(key) });
    expect(viaOtherKey.headers.get('idempotent-replayed')).toBe('true');
    expect(viaOtherKey.body.data.id).toBe(first.id);
    const cookie = await login(h, user.email, user.password);
    const viaSession = await h.call('POST', '/api/v1/workspaces', { cookie, body, headers: { ...idem(key), ...SAME_ORIGIN } });
    expect(viaSession.body.data.id).toBe(first.id);
  });

  it('a failed create does not poison the key: the retry runs again', async () => {
    const ws = await createWorkspace(h, h.admin.key);
    const key = uniq('idem');
    // A refused add (the address is already a member) does not keep the key; after the member leaves, the retry adds.
    const user = await h.newUser('Later');
    expectOk(await h.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: h.admin.key, body: { email: user.email } }), 201);
    expectError(await h.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: h.admin.key, body: { email: user.email }, headers: idem(key) }), 409, 'CONFLICT');
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}/members/${user.id}`, { key: h.admin.key }));
    const retry = await h.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: h.admin.key, body: { email: user.email }, headers: idem(key) });
    expectOk(retry, 201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    // A request refused before it ran (validation) does not use the key either.
    const key2 = uniq('idem');
    expectError(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: 'BAD SLUG' }, headers: idem(key2) }), 400, 'VALIDATION_ERROR');
    expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: uniq('good') }, headers: idem(key2) }), 201);
  });

  it('two identical requests racing: one row; the other is replayed or told to retry (409)', async () => {
    const key = uniq('race');
    const body = { name: uniq('Race'), slug: uniq('race') };
    const results = await Promise.all([0, 1].map(() => h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body, headers: idem(key) })));
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(new Set(ok.map((r) => r.body.data.id)).size).toBe(1);
    expect(await workspacesNamed(body.name)).toHaveLength(1);
  });

  it('one-time secrets are never stored for a replay: the replay names the same resource without the secret', async () => {
    const key = uniq('idem');
    const first = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: h.admin.key, body: { name: 'replayed' }, headers: idem(key) }), 201);
    expect(first.key).toMatch(/^mc_usr_/);
    const stored = await h.database.db.query.idempotencyKeys.findMany();
    expect(JSON.stringify(stored)).not.toContain(first.key);
    const replay = await h.call('POST', '/api/v1/me/api-keys', { key: h.admin.key, body: { name: 'replayed' }, headers: idem(key) });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.data).toMatchObject({ id: first.id, key: null });
    const keys = await h.database.db.query.apiKeys.findMany({ where: (k, { eq }) => eq(k.name, 'replayed') });
    expect(keys).toHaveLength(1);

    const userKey = uniq('idem');
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: `${uniq('nolink')}@example.com`, name: 'Link' }, headers: idem(userKey) }), 201);
    expect(created.setPasswordUrl).toMatch(/token=/);
    expect(JSON.stringify(await h.database.db.query.idempotencyKeys.findMany())).not.toContain(new URL(created.setPasswordUrl).searchParams.get('token')!);
    const again = await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: created.email, name: 'Link' }, headers: idem(userKey) });
    expect(again.body.data).toMatchObject({ id: created.id, setPasswordUrl: null });
  });

  it('the key must be 1..255 characters', async () => {
    for (const bad of ['', 'k'.repeat(256)]) {
      const r = await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: uniq('len') }, headers: idem(bad) });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual(expect.arrayContaining(['Idempotency-Key']));
    }
    expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: { name: 'x', slug: uniq('len') }, headers: idem('k'.repeat(255)) }), 201);
  });

  it('keys are kept 24 hours; after that the same key starts a new request', async () => {
    const clock = new ManualClock(new Date('2026-06-01T00:00:00.000Z'));
    const t = await createHarness({ clock });
    try {
      const key = 'daily-report';
      const body = { name: 'Daily', slug: 'daily' };
      const first = expectOk(await t.call('POST', '/api/v1/workspaces', { key: t.admin.key, body, headers: idem(key) }), 201);
      clock.advance(23 * 3600_000);
      const replay = await t.call('POST', '/api/v1/workspaces', { key: t.admin.key, body, headers: idem(key) });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.data.id).toBe(first.id);
      clock.advance(2 * 3600_000);
      // A new request: the slug is taken by the first one now.
      const fresh = await t.call('POST', '/api/v1/workspaces', { key: t.admin.key, body, headers: idem(key) });
      expectError(fresh, 409, 'CONFLICT');
      expect(issueFields(fresh)).toEqual(['slug']);
    } finally {
      await t.close();
    }
  });
});
