// Members: list, add, change role, remove, leave; who may manage whom; the last owner is never removed or
// demoted. (Adding someone the caller shares no workspace with is an invitation: invitations.int.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
type User = Awaited<ReturnType<Harness['newUser']>>;
const users: User[] = [];
beforeAll(async () => {
  h = await createHarness();
  users.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => h.newUser(`U${i}`)))));
});
afterAll(async () => {
  await h?.close();
});

/** A fresh workspace with an owner, an admin, a member and a viewer, plus a spare user who is not in it. */
let next = 0;
async function team() {
  const pick = () => users[next++ % users.length];
  const [owner, admin, member, viewer, spare] = [pick(), pick(), pick(), pick(), pick()];
  const ws = await createWorkspace(h, owner.key);
  await addMember(h, owner.key, ws.id, admin.email, 'admin');
  await addMember(h, owner.key, ws.id, member.email, 'member');
  await addMember(h, owner.key, ws.id, viewer.email, 'viewer');
  return { ws, owner, admin, member, viewer, spare };
}

const membersUrl = (wsId: string, userId?: string) => `/api/v1/workspaces/${wsId}/members${userId ? `/${userId}` : ''}`;

async function roles(wsId: string): Promise<Record<string, string>> {
  const list = expectOk(await h.call('GET', membersUrl(wsId), { key: h.admin.key }));
  return Object.fromEntries(list.map((m: any) => [m.userId, m.role]));
}

async function log(wsId: string, action: string) {
  return expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${wsId}&action=${action}`, { key: h.admin.key })) as any[];
}

describe('list and add', () => {
  it('every member (viewer included) lists members; outsiders get 404', async () => {
    const t = await team();
    for (const u of [t.owner, t.admin, t.member, t.viewer]) {
      const list = expectOk(await h.call('GET', membersUrl(t.ws.id), { key: u.key }));
      expect(list).toHaveLength(4);
      for (const m of list) expect(Object.keys(m).sort()).toEqual(['createdAt', 'email', 'name', 'role', 'updatedAt', 'userId']);
    }
    expectError(await h.call('GET', membersUrl(t.ws.id), { key: t.spare.key }), 404, 'NOT_FOUND');
  });

  it('adds at once (201) a user the caller may already see, by e-mail (case-insensitive), as member by default; it is logged', async () => {
    const t = await team();
    // An instance admin sees every user: no invitation needed (invitations.int.test.ts covers the 202 cases).
    const added = expectOk(await h.call('POST', membersUrl(t.ws.id), { key: h.admin.key, body: { email: t.spare.email.toUpperCase() } }), 201);
    expect(added).toMatchObject({ userId: t.spare.id, email: t.spare.email, role: 'member' });
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${t.ws.id}`, { key: t.spare.key })).role).toBe('member');
    const entries = await log(t.ws.id, 'member.added');
    expect(entries.find((e) => e.target.id === t.spare.id)).toMatchObject({ actor: { id: h.admin.id }, metadata: { role: 'member' } });
  });

  it('an unknown e-mail is an invitation (202), not a 404; an existing member is 409; members/viewers adding is 403', async () => {
    const t = await team();
    const unknown = expectOk(await h.call('POST', membersUrl(t.ws.id), { key: t.owner.key, body: { email: 'nobody-here@example.com' } }), 202);
    expect(unknown).toMatchObject({ status: 'invited', invitation: { email: 'nobody-here@example.com', role: 'member', status: 'pending' } });
    expectError(await h.call('POST', membersUrl(t.ws.id), { key: t.owner.key, body: { email: t.member.email, role: 'viewer' } }), 409, 'CONFLICT');
    expectError(await h.call('POST', membersUrl(t.ws.id), { key: t.member.key, body: { email: t.spare.email } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', membersUrl(t.ws.id), { key: t.viewer.key, body: { email: t.spare.email } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', membersUrl(t.ws.id), { key: t.spare.key, body: { email: t.spare.email } }), 404, 'NOT_FOUND');
    const badRole = await h.call('POST', membersUrl(t.ws.id), { key: t.owner.key, body: { email: t.spare.email, role: 'superuser' } });
    expect(issueFields(badRole)).toEqual(['role']);
    expect(Object.keys(await roles(t.ws.id))).toHaveLength(4);
  });
});

describe('who manages whom', () => {
  it('admins cannot grant owner, nor change or remove an owner', async () => {
    const t = await team();
    expectError(await h.call('POST', membersUrl(t.ws.id), { key: t.admin.key, body: { email: t.spare.email, role: 'owner' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.member.id), { key: t.admin.key, body: { role: 'owner' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.admin.id), { key: t.admin.key, body: { role: 'owner' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.owner.id), { key: t.admin.key, body: { role: 'member' } }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.owner.id), { key: t.admin.key }), 403, 'FORBIDDEN');
    expect(await roles(t.ws.id)).toEqual({ [t.owner.id]: 'owner', [t.admin.id]: 'admin', [t.member.id]: 'member', [t.viewer.id]: 'viewer' });
  });

  it('admins manage admins, members and viewers', async () => {
    const t = await team();
    const changed = expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.member.id), { key: t.admin.key, body: { role: 'admin' } }));
    expect(changed).toMatchObject({ userId: t.member.id, role: 'admin' });
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.viewer.id), { key: t.admin.key, body: { role: 'member' } }));
    expectOk(await h.call('DELETE', membersUrl(t.ws.id, t.member.id), { key: t.admin.key }));
    expect(await roles(t.ws.id)).toEqual({ [t.owner.id]: 'owner', [t.admin.id]: 'admin', [t.viewer.id]: 'member' });
    const entries = await log(t.ws.id, 'member.role_changed');
    expect(entries.map((e) => e.metadata).sort((a, b) => a.from.localeCompare(b.from))).toEqual([
      { from: 'member', to: 'admin' },
      { from: 'viewer', to: 'member' },
    ]);
    expect((await log(t.ws.id, 'member.removed')).map((e) => e.target.id)).toEqual([t.member.id]);
  });

  it('members and viewers manage nobody', async () => {
    const t = await team();
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.viewer.id), { key: t.member.key, body: { role: 'member' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.viewer.id), { key: t.viewer.key, body: { role: 'admin' } }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.viewer.id), { key: t.member.key }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.member.id), { key: t.viewer.key }), 403, 'FORBIDDEN');
  });

  it('owners grant owner; a second owner can then be demoted', async () => {
    const t = await team();
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.admin.id), { key: t.owner.key, body: { role: 'owner' } }));
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.owner.id), { key: t.admin.key, body: { role: 'admin' } }));
    expect(await roles(t.ws.id)).toMatchObject({ [t.owner.id]: 'admin', [t.admin.id]: 'owner' });
  });

  it('an unknown member is 404; the same role again is a no-op without a log entry', async () => {
    const t = await team();
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.spare.id), { key: t.owner.key, body: { role: 'member' } }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, 'usr_nobody'), { key: t.owner.key }), 404, 'NOT_FOUND');
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.member.id), { key: t.owner.key, body: { role: 'member' } }));
    expect(await log(t.ws.id, 'member.role_changed')).toHaveLength(0);
  });
});

describe('remove and leave', () => {
  it('a removed member loses access at once', async () => {
    const t = await team();
    const removed = expectOk(await h.call('DELETE', membersUrl(t.ws.id, t.member.id), { key: t.owner.key }));
    expect(removed).toMatchObject({ userId: t.member.id, role: 'member' });
    expectError(await h.call('GET', `/api/v1/workspaces/${t.ws.id}`, { key: t.member.key }), 404, 'NOT_FOUND');
    const list = expectOk(await h.call('GET', '/api/v1/workspaces?limit=200', { key: t.member.key }));
    expect(list.map((w: any) => w.id)).not.toContain(t.ws.id);
  });

  it('any member, a viewer too, can leave; it is logged as member.left', async () => {
    const t = await team();
    expectOk(await h.call('DELETE', membersUrl(t.ws.id, t.viewer.id), { key: t.viewer.key }));
    expectOk(await h.call('DELETE', membersUrl(t.ws.id, t.admin.id), { key: t.admin.key }));
    expect(await roles(t.ws.id)).toEqual({ [t.owner.id]: 'owner', [t.member.id]: 'member' });
    expect((await log(t.ws.id, 'member.left')).map((e) => e.actor.id).sort()).toEqual([t.viewer.id, t.admin.id].sort());
    expect(await log(t.ws.id, 'member.removed')).toHaveLength(0);
  });
});

describe('the last owner', () => {
  it('cannot be demoted, removed, or leave (409), not even by an instance admin', async () => {
    const t = await team();
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.owner.id), { key: t.owner.key, body: { role: 'admin' } }), 409, 'CONFLICT');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.owner.id), { key: t.owner.key }), 409, 'CONFLICT');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.owner.id), { key: h.admin.key, body: { role: 'viewer' } }), 409, 'CONFLICT');
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.owner.id), { key: h.admin.key }), 409, 'CONFLICT');
    expect((await roles(t.ws.id))[t.owner.id]).toBe('owner');
  });

  it('with two owners one may go; then the other is the last and stays', async () => {
    const t = await team();
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.member.id), { key: t.owner.key, body: { role: 'owner' } }));
    expectOk(await h.call('DELETE', membersUrl(t.ws.id, t.owner.id), { key: t.owner.key }));
    expectError(await h.call('DELETE', membersUrl(t.ws.id, t.member.id), { key: t.member.key }), 409, 'CONFLICT');
    expectError(await h.call('PATCH', membersUrl(t.ws.id, t.member.id), { key: t.member.key, body: { role: 'admin' } }), 409, 'CONFLICT');
    expect(Object.values(await roles(t.ws.id)).filter((r) => r === 'owner')).toHaveLength(1);
  });

  it('two owners demoting each other at the same time: exactly one succeeds, one owner remains', async () => {
    const t = await team();
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.admin.id), { key: t.owner.key, body: { role: 'owner' } }));
    const results = await Promise.all([
      h.call('PATCH', membersUrl(t.ws.id, t.admin.id), { key: t.owner.key, body: { role: 'member' } }),
      h.call('PATCH', membersUrl(t.ws.id, t.owner.id), { key: t.admin.key, body: { role: 'member' } }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // The loser is refused either as the last owner (409) or because it is no longer an owner itself (403).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(Object.values(await roles(t.ws.id)).filter((r) => r === 'owner')).toHaveLength(1);
  });

  it('two owners leaving at the same time: one owner remains', async () => {
    const t = await team();
    expectOk(await h.call('PATCH', membersUrl(t.ws.id, t.admin.id), { key: t.owner.key, body: { role: 'owner' } }));
    const results = await Promise.all([
      h.call('DELETE', membersUrl(t.ws.id, t.owner.id), { key: t.owner.key }),
      h.call('DELETE', membersUrl(t.ws.id, t.admin.id), { key: t.admin.key }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(Object.values(await roles(t.ws.id)).filter((r) => r === 'owner')).toHaveLength(1);
  });
});
