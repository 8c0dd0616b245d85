// Accounts: first-run setup, login/logout and the session cookie, CSRF for cookie writes, /me, personal API keys
// (shown once, lastUsedAt, revoke, expiry).
import { ManualClock, sha256 } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareHarness, createHarness, uniq, type BareHarness, type Harness } from './harness';
import { expectError, expectOk, issueFields, login, SAME_ORIGIN } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('first-run setup', () => {
  let bare: BareHarness;
  beforeAll(async () => {
    bare = await createBareHarness();
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('creates the instance admin once, signs them in, and refuses a second setup with 409', async () => {
    expect(expectOk(await bare.call('GET', '/api/v1/setup'))).toEqual({ needsSetup: true });

    const weak = await bare.call('POST', '/api/v1/setup', { body: { email: 'root@example.com', name: 'Root', password: 'short' } });
    expectError(weak, 400, 'VALIDATION_ERROR');
    expect(issueFields(weak)).toContain('password');
    expect(expectOk(await bare.call('GET', '/api/v1/setup'))).toEqual({ needsSetup: true });

    const r = await bare.call('POST', '/api/v1/setup', { body: { email: 'Root@Example.com', name: 'Root', password: 'root-password-1' } });
    const user = expectOk(r, 201);
    expect(user).toMatchObject({ email: 'root@example.com', name: 'Root', isInstanceAdmin: true, disabled: false, hasPassword: true });
    expect(user).not.toHaveProperty('passwordHash');
    const cookie = r.headers.get('set-cookie')!.split(';')[0];
    expect(cookie).toMatch(/^mc_session=mcs_/);
    const me = expectOk(await bare.call('GET', '/api/v1/me', { cookie }));
    expect(me).toMatchObject({ authenticatedBy: 'session', user: { id: user.id, isInstanceAdmin: true } });

    expect(expectOk(await bare.call('GET', '/api/v1/setup'))).toEqual({ needsSetup: false });
    const again = await bare.call('POST', '/api/v1/setup', { body: { email: 'evil@example.com', name: 'Evil', password: 'evil-password-1' } });
    expectError(again, 409, 'CONFLICT');
    expect(again.headers.get('set-cookie')).toBeNull();
    const users = await bare.database.db.query.users.findMany();
    expect(users.map((u) => u.email)).toEqual(['root@example.com']);
  });

  it('lets exactly one of two racing setups win', async () => {
    const other = await createBareHarness();
    try {
      const bodies = ['a', 'b'].map((n) => ({ email: `${n}@example.com`, name: n, password: 'race-password-1' }));
      const results = await Promise.all(bodies.map((body) => other.call('POST', '/api/v1/setup', { body })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await other.database.db.query.users.findMany()).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe('login and logout', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie for the whole site', async () => {
    const r = await h.call('POST', '/api/v1/auth/login', { body: { email: h.admin.email, password: 'admin-password-1' } });
    expect(expectOk(r)).toMatchObject({ id: h.admin.id, email: h.admin.email });
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^mc_session=mcs_[A-Za-z0-9_-]{20,};/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/);
    expect(setCookie).toMatch(/;\s*Expires=/);
    expect(setCookie).not.toMatch(/;\s*Secure/i); // plain http here
    // Behind a TLS-terminating proxy (trustProxy) the cookie is Secure.
    const https = await h.call('POST', '/api/v1/auth/login', {
      body: { email: h.admin.email, password: 'admin-password-1' },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('answers a wrong password and an unknown e-mail with the same 401', async () => {
    const user = await h.newUser('Login');
    const wrong = await h.call('POST', '/api/v1/auth/login', { body: { email: user.email, password: 'not-the-password' } });
    const unknown = await h.call('POST', '/api/v1/auth/login', { body: { email: `${uniq('nobody')}@example.com`, password: 'not-the-password' } });
    const a = expectError(wrong, 401, 'UNAUTHENTICATED');
    const b = expectError(unknown, 401, 'UNAUTHENTICATED');
    expect(a.message).toBe(b.message);
    expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(unknown.headers.get('set-cookie')).toBeNull();
    // E-mail is case-insensitive.
    expect(await login(h, user.email.toUpperCase(), user.password)).toMatch(/^mc_session=/);
  });

  it('refuses a user without a password and a disabled user with the same 401', async () => {
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: `${uniq('nopw')}@example.com`, name: 'No Pw' } }), 201);
    const r = await h.call('POST', '/api/v1/auth/login', { body: { email: created.email, password: 'anything-at-all' } });
    expect(expectError(r, 401, 'UNAUTHENTICATED').message).toBe('email or password is incorrect');

    const user = await h.newUser('Disabled');
    expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { disabled: true } }));
    const d = await h.call('POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
    expect(expectError(d, 401, 'UNAUTHENTICATED').message).toBe('email or password is incorrect');
  });

  it('validates the login body', async () => {
    const r = await h.call('POST', '/api/v1/auth/login', { body: { email: 'not-an-email', password: 'x' } });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['email']);
  });

  it('logout ends the session: the cookie stops working and is cleared', async () => {
    const cookie = await login(h, h.admin.email, 'admin-password-1');
    expect(expectOk(await h.call('GET', '/api/v1/me', { cookie })).authenticatedBy).toBe('session');

    // Logout is a write: a cross-site form cannot sign the user out either.
    expectError(await h.call('POST', '/api/v1/auth/logout', { cookie }), 403, 'FORBIDDEN');
    expectOk(await h.call('GET', '/api/v1/me', { cookie }));

    const out = await h.call('POST', '/api/v1/auth/logout', { cookie, headers: SAME_ORIGIN });
    expect(expectOk(out)).toEqual({ loggedOut: true });
    expect(out.headers.get('set-cookie')).toMatch(/^mc_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expectError(await h.call('GET', '/api/v1/me', { cookie }), 401, 'UNAUTHENTICATED');
    const tokenHash = sha256(cookie.slice('mc_session='.length));
    expect(await h.database.db.query.sessions.findMany({ where: (s, { eq }) => eq(s.tokenHash, tokenHash) })).toHaveLength(0);
  });

  it('logout needs a caller', async () => {
    expectError(await h.call('POST', '/api/v1/auth/logout'), 401, 'UNAUTHENTICATED');
  });

  it('an unknown or garbage session cookie is simply not signed in', async () => {
    expectError(await h.call('GET', '/api/v1/me', { cookie: 'mc_session=mcs_forged' }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', '/api/v1/me', { cookie: `mc_session=${'x'.repeat(500)}` }), 401, 'UNAUTHENTICATED');
  });
});

describe('CSRF: cookie-authenticated writes must come from the dashboard', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login(h, h.admin.email, 'admin-password-1');
  });
  const body = () => ({ name: 'Csrf', slug: uniq('csrf') });

  it('refuses a cookie POST without Origin or Sec-Fetch-Site with 403, and writes nothing', async () => {
    const b = body();
    const r = await h.call('POST', '/api/v1/workspaces', { cookie, body: b });
    expect(expectError(r, 403, 'FORBIDDEN').message).toMatch(/cross-site/);
    expect(await h.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.slug, b.slug) })).toHaveLength(0);
  });

  it('refuses a foreign Origin and Sec-Fetch-Site: cross-site', async () => {
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { origin: 'https://evil.example' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { origin: 'null' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { origin: 'http://mc.test.evil.example' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { 'sec-fetch-site': 'cross-site' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { origin: 'http://mc.test', host: 'other.test' } }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', '/api/v1/me/api-keys/key_x', { cookie }), 403, 'FORBIDDEN');
  });

  it('accepts a cookie POST with a matching Origin, or Sec-Fetch-Site: same-origin', async () => {
    expectOk(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: SAME_ORIGIN }), 201);
    expectOk(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { 'sec-fetch-site': 'same-origin' } }), 201);
  });

  it('X-Forwarded-Host names the host only behind a trusted proxy (MC_TRUST_PROXY)', async () => {
    // Behind a proxy that rewrote Host to the app's own address and said where the browser went.
    const proxied = { origin: 'https://mc.example.com', host: '127.0.0.1:3000', 'x-forwarded-host': 'mc.example.com' };
    expect(h.deps.trustProxy).toBe(true);
    expectOk(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: proxied }), 201);
    expectOk(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { ...proxied, 'x-forwarded-host': 'mc.example.com, 127.0.0.1:3000' } }), 201);
    expectError(await h.call('POST', '/api/v1/workspaces', { cookie, body: body(), headers: { ...proxied, 'x-forwarded-host': 'evil.example' } }), 403, 'FORBIDDEN');

    const direct = await createHarness({ trustProxy: false });
    try {
      const directCookie = await login(direct, direct.admin.email, 'admin-password-1');
      const b = body();
      // Without a trusted proxy the header is anyone's: a cross-site form naming its own host must not pass.
      const forged = await direct.call('POST', '/api/v1/workspaces', {
        cookie: directCookie,
        body: b,
        headers: { origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' },
      });
      expect(expectError(forged, 403, 'FORBIDDEN').message).toMatch(/cross-site/);
      expectError(await direct.call('POST', '/api/v1/workspaces', { cookie: directCookie, body: body(), headers: proxied }), 403, 'FORBIDDEN');
      expect(await direct.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.slug, b.slug) })).toHaveLength(0);
      // The Host header itself still counts.
      expectOk(await direct.call('POST', '/api/v1/workspaces', { cookie: directCookie, body: body(), headers: { origin: 'https://mc.example.com', host: 'mc.example.com' } }), 201);
    } finally {
      await direct.close();
    }
  });

  it('lets cookie reads through without Origin', async () => {
    expectOk(await h.call('GET', '/api/v1/workspaces', { cookie }));
  });

  it('API key writes need no Origin (keys are not ambient credentials)', async () => {
    expectOk(await h.call('POST', '/api/v1/workspaces', { key: h.admin.key, body: body() }), 201);
    expectOk(await h.call('POST', '/api/v1/workspaces', { headers: { 'x-api-key': h.admin.key }, body: body() }), 201);
  });
});

describe('/me', () => {
  it('describes the caller and how they authenticated, never secrets', async () => {
    const user = await h.newUser('Mia');
    const me = expectOk(await h.call('GET', '/api/v1/me', { key: user.key }));
    expect(me).toEqual({
      kind: 'user',
      user: expect.objectContaining({ id: user.id, email: user.email, name: 'Mia', isInstanceAdmin: false, disabled: false, hasPassword: true }),
      defaultWorkspaceId: null,
      authenticatedBy: 'api_key',
    });
    expect(JSON.stringify(me)).not.toMatch(/scrypt|hash/i);
    expectError(await h.call('GET', '/api/v1/me'), 401, 'UNAUTHENTICATED');
  });
});

describe('personal API keys', () => {
  it('shows a new key once; the list never contains it', async () => {
    const user = await h.newUser('Keys');
    const r = await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'ci' } });
    const created = expectOk(r, 201);
    expect(created.key).toMatch(/^mc_usr_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ name: 'ci', prefix: created.key.slice(0, 11), lastUsedAt: null, expiresAt: null, revokedAt: null });
    expect(created.id).toMatch(/^key_/);

    const list = expectOk(await h.call('GET', '/api/v1/me/api-keys', { key: user.key }));
    expect(list.map((k: any) => k.name).sort()).toEqual(['ci', 'test key']);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(JSON.stringify(list)).not.toContain(user.key);
    for (const k of list) expect(Object.keys(k).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);

    // Only the hash is stored.
    const rows = await h.database.db.query.apiKeys.findMany({ where: (k, { eq }) => eq(k.id, created.id) });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(created.key);

    // Another user's list does not show it.
    const other = await h.newUser('Other');
    const otherList = expectOk(await h.call('GET', '/api/v1/me/api-keys', { key: other.key }));
    expect(otherList.map((k: any) => k.id)).not.toContain(created.id);
  });

  it('records lastUsedAt after the key is used', async () => {
    const user = await h.newUser('Usage');
    const created = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'usage' } }), 201);
    const before = Date.now();
    expectOk(await h.call('GET', '/api/v1/me', { key: created.key }));
    await h.deps.keyUsage.flush();
    const list = expectOk(await h.call('GET', '/api/v1/me/api-keys', { key: user.key }));
    const used = list.find((k: any) => k.id === created.id);
    expect(used.lastUsedAt).not.toBeNull();
    expect(new Date(used.lastUsedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('a revoked key gets 401 at once; revoking again answers the same', async () => {
    const user = await h.newUser('Revoke');
    const created = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'to revoke' } }), 201);
    expectOk(await h.call('GET', '/api/v1/me', { key: created.key }));
    const revoked = expectOk(await h.call('DELETE', `/api/v1/me/api-keys/${created.id}`, { key: user.key }));
    expect(revoked.id).toBe(created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(revoked).not.toHaveProperty('key');
    expectError(await h.call('GET', '/api/v1/me', { key: created.key }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': created.key } }), 401, 'UNAUTHENTICATED');
    const again = expectOk(await h.call('DELETE', `/api/v1/me/api-keys/${created.id}`, { key: user.key }));
    expect(again.revokedAt).toBe(revoked.revokedAt);
    // The other key of the user is untouched.
    expectOk(await h.call('GET', '/api/v1/me', { key: user.key }));
    // A key can revoke itself.
    const self = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'self' } }), 201);
    expectOk(await h.call('DELETE', `/api/v1/me/api-keys/${self.id}`, { key: self.key }));
    expectError(await h.call('GET', '/api/v1/me', { key: self.key }), 401, 'UNAUTHENTICATED');
  });

  it("cannot revoke another user's key (404) or an unknown one", async () => {
    const a = await h.newUser('A');
    const b = await h.newUser('B');
    const bKey = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: b.key, body: { name: 'b' } }), 201);
    expectError(await h.call('DELETE', `/api/v1/me/api-keys/${bKey.id}`, { key: a.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/v1/me/api-keys/${bKey.id}`, { key: h.admin.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', '/api/v1/me/api-keys/key_does_not_exist', { key: a.key }), 404, 'NOT_FOUND');
    expectOk(await h.call('GET', '/api/v1/me', { key: bKey.key }));
  });

  it('validates names and expiry', async () => {
    const user = await h.newUser('Val');
    const past = await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'old', expiresAt: '2000-01-01T00:00:00Z' } });
    expectError(past, 400, 'VALIDATION_ERROR');
    expect(issueFields(past)).toEqual(['expiresAt']);
    const badDate = await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: 'x', expiresAt: 'tomorrow' } });
    expect(issueFields(badDate)).toEqual(['expiresAt']);
    const noName = await h.call('POST', '/api/v1/me/api-keys', { key: user.key, body: { name: '   ' } });
    expect(issueFields(noName)).toEqual(['name']);
  });

  it('refuses malformed credentials with 401 rather than treating the caller as anonymous', async () => {
    for (const authorization of ['Bearer not-a-key', 'Basic dXNlcjpwYXNz', 'Bearer', `Bearer mc_usr_${'x'.repeat(300)}`, 'Bearer a b']) {
      expectError(await h.call('GET', '/api/v1/me', { headers: { authorization } }), 401, 'UNAUTHENTICATED');
    }
    // Even on a public endpoint: a bad key is reported, not ignored.
    expectError(await h.call('GET', '/api/v1/health', { key: 'mc_usr_wrong' }), 401, 'UNAUTHENTICATED');
  });
});

describe('key expiry', () => {
  it('an expired key gets 401 from the moment it expires', async () => {
    const clock = new ManualClock(new Date('2026-03-01T12:00:00.000Z'));
    const t = await createHarness({ clock });
    try {
      const expiresAt = '2026-03-01T13:00:00.000Z';
      const created = expectOk(await t.call('POST', '/api/v1/me/api-keys', { key: t.admin.key, body: { name: 'short', expiresAt } }), 201);
      expect(created.expiresAt).toBe(expiresAt);
      clock.set(new Date('2026-03-01T12:59:59.000Z'));
      expectOk(await t.call('GET', '/api/v1/me', { key: created.key }));
      clock.set(new Date(expiresAt));
      expectError(await t.call('GET', '/api/v1/me', { key: created.key }), 401, 'UNAUTHENTICATED');
      // The key is still listed, with its expiry, for the owner.
      const list = expectOk(await t.call('GET', '/api/v1/me/api-keys', { key: t.admin.key }));
      expect(list.find((k: any) => k.id === created.id)).toMatchObject({ expiresAt, revokedAt: null });
    } finally {
      await t.close();
    }
  });
});
