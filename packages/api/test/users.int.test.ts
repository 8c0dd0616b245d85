// Users (instance admin only), one-time set-password links, and the default workspace new users land in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk, issueFields, login } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const email = (p = 'user') => `${uniq(p)}@example.com`;
const countUsers = async () => (await h.database.db.query.users.findMany()).length;

describe('users: instance admin only', () => {
  it('other users get 403 on every users endpoint, and nothing changes', async () => {
    const user = await h.newUser('Plain');
    const victim = await h.newUser('Victim');
    const before = await countUsers();
    expectError(await h.call('GET', '/api/v1/users', { key: user.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/users', { key: user.key, body: { email: email(), name: 'X' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', `/api/v1/users/${victim.id}`, { key: user.key, body: { disabled: true } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: user.key, body: { isInstanceAdmin: true } }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', `/api/v1/users/${victim.id}`, { key: user.key }), 403, 'FORBIDDEN');
    expect(await countUsers()).toBe(before);
    expectOk(await h.call('GET', '/api/v1/me', { key: victim.key }));
  });

  it('lists all users without secrets', async () => {
    const user = await h.newUser('Listed');
    const list = expectOk(await h.call('GET', '/api/v1/users', { key: h.admin.key }));
    expect(list.map((u: any) => u.id)).toEqual(expect.arrayContaining([h.admin.id, user.id]));
    expect(list).toHaveLength(await countUsers());
    for (const u of list) expect(Object.keys(u).sort()).toEqual(['createdAt', 'disabled', 'email', 'hasPassword', 'id', 'isInstanceAdmin', 'name', 'updatedAt', 'version']);
    expect(JSON.stringify(list)).not.toMatch(/scrypt/);
  });
});

describe('create', () => {
  it('with a password: no link, the user can sign in', async () => {
    const e = email('pw');
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: e, name: 'With Pw', password: 'a-good-password' } }), 201);
    expect(created).toMatchObject({ email: e, name: 'With Pw', isInstanceAdmin: false, hasPassword: true, setPasswordUrl: null, version: 1 });
    expect(await login(h, e, 'a-good-password')).toMatch(/^mc_session=/);
  });

  it('without a password: a one-time set-password link that works once', async () => {
    const e = email('link');
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: e, name: 'Linked' } }), 201);
    expect(created.hasPassword).toBe(false);
    const url = new URL(created.setPasswordUrl);
    expect(url.origin).toBe('http://mc.test');
    expect(url.pathname).toBe('/set-password');
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^mcp_/);
    // Only the hash is stored.
    const tokens = await h.database.db.query.userTokens.findMany({ where: (t, { eq }) => eq(t.userId, created.id) });
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(tokens)).not.toContain(token);

    const short = await h.call('POST', '/api/v1/auth/set-password', { body: { token, password: 'short' } });
    expect(issueFields(short)).toEqual(['password']);

    const set = expectOk(await h.call('POST', '/api/v1/auth/set-password', { body: { token, password: 'my-new-password' } }));
    expect(set).toMatchObject({ id: created.id, hasPassword: true });
    expect(await login(h, e, 'my-new-password')).toMatch(/^mc_session=/);

    const again = await h.call('POST', '/api/v1/auth/set-password', { body: { token, password: 'hijack-password' } });
    expectError(again, 400, 'VALIDATION_ERROR');
    expect(issueFields(again)).toEqual(['token']);
    expectError(await h.call('POST', '/api/v1/auth/login', { body: { email: e, password: 'hijack-password' } }), 401, 'UNAUTHENTICATED');
    expect(await login(h, e, 'my-new-password')).toMatch(/^mc_session=/);

    const forged = await h.call('POST', '/api/v1/auth/set-password', { body: { token: 'mcp_forged-token-value', password: 'whatever-password' } });
    expect(issueFields(forged)).toEqual(['token']);
  });

  it('refuses a duplicate e-mail (any case) with 409 naming email', async () => {
    const e = email('dup');
    expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: e, name: 'One' } }), 201);
    const before = await countUsers();
    const dup = await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: e.toUpperCase(), name: 'Two' } });
    expectError(dup, 409, 'CONFLICT');
    expect(issueFields(dup)).toEqual(['email']);
    expect(await countUsers()).toBe(before);
  });

  it('can create another instance admin', async () => {
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: email('adm'), name: 'Adm', password: 'adm-password-1', isInstanceAdmin: true } }), 201);
    expect(created.isInstanceAdmin).toBe(true);
    const cookie = await login(h, created.email, 'adm-password-1');
    expectOk(await h.call('GET', '/api/v1/users', { cookie }));
  });

  it('is logged (instance-level entries are visible to instance admins only)', async () => {
    const user = await h.newUser('Logged');
    const entries = expectOk(await h.call('GET', `/api/v1/activity?action=user.created&targetId=${user.id}`, { key: h.admin.key }));
    expect(entries).toEqual([expect.objectContaining({ workspaceId: null, actor: expect.objectContaining({ id: h.admin.id }) })]);
    expect(expectOk(await h.call('GET', `/api/v1/activity?action=user.created&targetId=${user.id}`, { key: user.key }))).toEqual([]);
  });
});

describe('update', () => {
  it('renames with version checks (body or If-Match)', async () => {
    const user = await h.newUser('Rename');
    const r = expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { name: 'Renamed', version: 1 } }));
    expect(r).toMatchObject({ name: 'Renamed', version: 2 });
    const stale = expectError(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { name: 'Lost', version: 1 } }), 409, 'CONFLICT');
    expect(stale.details).toMatchObject({ currentVersion: 2 });
    expectError(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { name: 'Lost' }, headers: { 'if-match': '1' } }), 409, 'CONFLICT');
    expect(expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { name: 'Again' }, headers: { 'if-match': '2' } })).version).toBe(3);
    expectError(await h.call('PATCH', '/api/v1/users/usr_nobody', { key: h.admin.key, body: { name: 'X' } }), 404, 'NOT_FOUND');
  });

  it('disabling a user stops their keys and sessions at once; enabling restores the keys', async () => {
    const user = await h.newUser('Disable');
    const cookie = await login(h, user.email, user.password);
    expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { disabled: true } }));
    expectError(await h.call('GET', '/api/v1/me', { key: user.key }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', '/api/v1/me', { cookie }), 401, 'UNAUTHENTICATED');
    expect(await h.database.db.query.sessions.findMany({ where: (s, { eq }) => eq(s.userId, user.id) })).toHaveLength(0);
    expect(expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { disabled: false } })).disabled).toBe(false);
    expectOk(await h.call('GET', '/api/v1/me', { key: user.key }));
  });

  it('granting instance admin takes effect on the next request', async () => {
    const user = await h.newUser('Promote');
    expectError(await h.call('GET', '/api/v1/users', { key: user.key }), 403, 'FORBIDDEN');
    expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { isInstanceAdmin: true } }));
    expectOk(await h.call('GET', '/api/v1/users', { key: user.key }));
    expectOk(await h.call('PATCH', `/api/v1/users/${user.id}`, { key: h.admin.key, body: { isInstanceAdmin: false } }));
    expectError(await h.call('GET', '/api/v1/users', { key: user.key }), 403, 'FORBIDDEN');
  });
});

describe('delete', () => {
  it('deletes a user: their key stops working; unknown is 404; yourself is 409', async () => {
    const user = await h.newUser('Gone');
    const deleted = expectOk(await h.call('DELETE', `/api/v1/users/${user.id}`, { key: h.admin.key }));
    expect(deleted.id).toBe(user.id);
    expectError(await h.call('GET', '/api/v1/me', { key: user.key }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('DELETE', `/api/v1/users/${user.id}`, { key: h.admin.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/v1/users/${h.admin.id}`, { key: h.admin.key }), 409, 'CONFLICT');
  });

  it('refuses to delete the sole owner of a workspace (409); after a second owner it works', async () => {
    const owner = await h.newUser('SoleOwner');
    const other = await h.newUser('Heir');
    const ws = await createWorkspace(h, owner.key);
    expectError(await h.call('DELETE', `/api/v1/users/${owner.id}`, { key: h.admin.key }), 409, 'CONFLICT');
    await addMember(h, owner.key, ws.id, other.email, 'owner');
    expectOk(await h.call('DELETE', `/api/v1/users/${owner.id}`, { key: h.admin.key }));
    const members = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}/members`, { key: other.key }));
    expect(members.map((m: any) => m.userId)).toEqual([other.id]);
  });
});

describe('the last instance admin', () => {
  it('cannot lose admin rights or be disabled; once there is a second admin, it can', async () => {
    const t = await createHarness();
    try {
      expectError(await t.call('PATCH', `/api/v1/users/${t.admin.id}`, { key: t.admin.key, body: { isInstanceAdmin: false } }), 409, 'CONFLICT');
      expectError(await t.call('PATCH', `/api/v1/users/${t.admin.id}`, { key: t.admin.key, body: { disabled: true } }), 409, 'CONFLICT');
      // With a second admin the first may step down; then the second is the last.
      const second = expectOk(await t.call('POST', '/api/v1/users', { key: t.admin.key, body: { email: email('second'), name: 'Second', isInstanceAdmin: true } }), 201);
      expectOk(await t.call('PATCH', `/api/v1/users/${t.admin.id}`, { key: t.admin.key, body: { isInstanceAdmin: false } }));
      expectError(await t.call('GET', '/api/v1/users', { key: t.admin.key }), 403, 'FORBIDDEN');
      const admins = (await t.database.db.query.users.findMany()).filter((u) => u.isInstanceAdmin);
      expect(admins.map((u) => u.id)).toEqual([second.id]);
    } finally {
      await t.close();
    }
  });
});

describe('default workspace', () => {
  it('only an instance admin sets it; unknown or archived workspaces are 404', async () => {
    const user = await h.newUser('NotAdmin');
    const ws = await createWorkspace(h, user.key);
    expectError(await h.call('PUT', '/api/v1/settings/default-workspace', { key: user.key, body: { workspaceId: ws.id } }), 403, 'FORBIDDEN');
    expect(expectOk(await h.call('GET', '/api/v1/settings/default-workspace', { key: user.key }))).toEqual({ workspaceId: null });
    expectError(await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: { workspaceId: 'wsp_nope' } }), 404, 'NOT_FOUND');
    const archived = await createWorkspace(h, h.admin.key);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${archived.id}`, { key: h.admin.key }));
    expectError(await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: { workspaceId: archived.id } }), 404, 'NOT_FOUND');
    const missing = await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: {} });
    expect(issueFields(missing)).toEqual(['workspaceId']);
  });

  it('new users land in it as members; clearing it stops that', async () => {
    const ws = await createWorkspace(h, h.admin.key);
    expect(expectOk(await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: { workspaceId: ws.id } }))).toEqual({ workspaceId: ws.id });

    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email: email('lands'), name: 'Lands', password: 'lands-password' } }), 201);
    const cookie = await login(h, created.email, 'lands-password');
    const mine = expectOk(await h.call('GET', '/api/v1/workspaces', { cookie }));
    expect(mine).toEqual([expect.objectContaining({ id: ws.id, role: 'member', isDefault: true })]);
    expect(expectOk(await h.call('GET', '/api/v1/me', { cookie })).defaultWorkspaceId).toBe(ws.id);
    const members = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}/members`, { key: h.admin.key }));
    expect(members.find((m: any) => m.userId === created.id)).toMatchObject({ role: 'member' });
    // The harness's own seeding goes through the same use case.
    const seeded = await h.newUser('Seeded');
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: seeded.key })).role).toBe('member');

    const log = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${ws.id}&action=settings.default_workspace_set`, { key: h.admin.key }));
    expect(log).toHaveLength(1);

    expect(expectOk(await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: { workspaceId: null } }))).toEqual({ workspaceId: null });
    const later = await h.newUser('Later');
    expect(expectOk(await h.call('GET', '/api/v1/workspaces', { key: later.key }))).toEqual([]);
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: h.admin.key })).isDefault).toBe(false);
  });
});
