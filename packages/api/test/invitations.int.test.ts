// Invitations (issue 11 point 9, ADR 0013): adding someone who shares no workspace with the caller is an invitation
// whose answer is the same for every address; the invitee accepts or declines it; it expires after 14 days and can
// be revoked; an address without a user waits until an instance admin creates one.
import { ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk } from './helpers';

const DAY_MS = 24 * 3600 * 1000;
let h: Harness;
const clock = new ManualClock(new Date('2026-06-01T09:00:00.000Z'));
type User = Awaited<ReturnType<Harness['newUser']>>;

beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => {
  await h?.close();
});

/** Time moves a little between steps, so that what happened in which order is plain. */
const tick = () => clock.advance(1000);
const membersUrl = (wsId: string) => `/api/v1/workspaces/${wsId}/members`;
const invitationsUrl = (wsId: string, id?: string) => `/api/v1/workspaces/${wsId}/invitations${id ? `/${id}` : ''}`;

async function invite(key: string, wsId: string, email: string, role = 'member') {
  tick();
  return h.call('POST', membersUrl(wsId), { key, body: { email, role } });
}

/** A workspace with an owner, an admin, a member and a viewer (added by the instance admin: at once). */
async function team() {
  const [owner, admin, member, viewer] = await Promise.all(['Owner', 'Admin', 'Member', 'Viewer'].map((n) => h.newUser(n)));
  const ws = await createWorkspace(h, owner.key);
  for (const [u, role] of [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ] as const) {
    expectOk(await h.call('POST', membersUrl(ws.id), { key: h.admin.key, body: { email: u.email, role } }), 201);
  }
  return { ws, owner, admin, member, viewer };
}

const myInvitations = async (u: User) => expectOk(await h.call('GET', '/api/v1/me/invitations', { key: u.key })) as any[];
const memberIds = async (wsId: string) => (expectOk(await h.call('GET', membersUrl(wsId), { key: h.admin.key })) as any[]).map((m) => m.userId);

/** Replace what differs by nature between two invitations (ids, address, times) so that their shapes compare. */
function shapeOf(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body)
      .replace(/inv_[0-9A-Z]+/g, 'inv_…')
      .replace(/[\w.+-]+@example\.com/g, '…@example.com')
      .replace(/"\d{4}-\d\d-\d\dT[^"]+"/g, '"<time>"'),
  );
}

describe('POST /workspaces/{id}/members: add or invite', () => {
  it('answers 202 with the same body for an unknown address and for a user who shares nothing with the caller', async () => {
    const t = await team();
    const stranger = await h.newUser('Stranger');
    const unknownEmail = `${uniq('nobody')}@example.com`;
    const forUnknown = await invite(t.owner.key, t.ws.id, unknownEmail);
    const forStranger = await invite(t.owner.key, t.ws.id, stranger.email);
    expectOk(forUnknown, 202);
    expectOk(forStranger, 202);
    expect(Object.keys(forStranger.body.data).sort()).toEqual(['invitation', 'status']);
    expect(forStranger.body.data.status).toBe('invited');
    expect(shapeOf(forStranger.body)).toEqual(shapeOf(forUnknown.body));
    // Nothing about the person: not their id, not their name.
    const text = JSON.stringify(forStranger.body);
    expect(text).not.toContain(stranger.id);
    expect(text).not.toContain('Stranger');
    expect(forStranger.body.data.invitation).toMatchObject({ email: stranger.email, role: 'member', status: 'pending', invitedBy: { id: t.owner.id } });
    // Neither is a member; the events and activity entries of both look alike too.
    expect(await memberIds(t.ws.id)).not.toContain(stranger.id);
    const logged = await h.database.db.query.events.findMany({ where: (e, { and, eq }) => and(eq(e.workspaceId, t.ws.id), eq(e.type, 'member.invited')) });
    expect(logged).toHaveLength(2);
    expect(shapeOf(logged[0].data)).toEqual(shapeOf(logged[1].data));
    const entries = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${t.ws.id}&action=member.invited`, { key: t.owner.key })) as any[];
    expect(entries).toHaveLength(2);
    const [a, b] = entries.map(({ id: _id, requestId: _r, ...rest }) => shapeOf(rest));
    expect(a).toEqual(b);
  });

  it('adds at once (201) for an instance admin, and for a caller who already shares a workspace with the user', async () => {
    const t = await team();
    const u1 = await h.newUser('Direct');
    const byAdmin = expectOk(await invite(h.admin.key, t.ws.id, u1.email, 'viewer'), 201);
    expect(byAdmin).toMatchObject({ userId: u1.id, name: 'Direct', role: 'viewer' });
    // The owner shares t.ws with the admin of another team workspace? No: make them share one.
    const u2 = await h.newUser('Colleague');
    const other = await createWorkspace(h, u2.key);
    expectOk(await invite(h.admin.key, other.id, t.owner.email), 201);
    const byOwner = expectOk(await invite(t.owner.key, t.ws.id, u2.email, 'admin'), 201);
    expect(byOwner).toMatchObject({ userId: u2.id, role: 'admin' });
    expect(await memberIds(t.ws.id)).toEqual(expect.arrayContaining([u1.id, u2.id]));
  });

  it('an instance admin inviting an address without a user gets 202 too (the user can be created later)', async () => {
    const t = await team();
    const r = expectOk(await invite(h.admin.key, t.ws.id, `${uniq('later')}@example.com`), 202);
    expect(r.status).toBe('invited');
  });

  it('a member of the workspace is "already a member" (409): the caller sees them in the member list anyway', async () => {
    const t = await team();
    expectError(await invite(t.admin.key, t.ws.id, t.member.email), 409, 'CONFLICT');
    expectError(await invite(t.owner.key, t.ws.id, t.viewer.email.toUpperCase()), 409, 'CONFLICT');
  });

  it('inviting the same address again renews the invitation (same id, new role and expiry), and notifies once', async () => {
    const t = await team();
    const invitee = await h.newUser('Renewed');
    const first = expectOk(await invite(t.owner.key, t.ws.id, invitee.email, 'viewer'), 202).invitation;
    clock.advance(3 * DAY_MS);
    const second = expectOk(await invite(t.admin.key, t.ws.id, invitee.email.toUpperCase(), 'member'), 202).invitation;
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ role: 'member', invitedBy: { id: t.admin.id } });
    expect(Date.parse(second.expiresAt) - Date.parse(first.expiresAt)).toBe(3 * DAY_MS + 1000);
    const pending = expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.admin.key })) as any[];
    expect(pending.map((i) => i.id)).toEqual([first.id]);
    const notes = expectOk(await h.call('GET', '/api/v1/notifications', { key: invitee.key })) as any[];
    expect(notes.filter((n) => n.type === 'invitation').map((n) => n.context.invitationId)).toEqual([first.id]);
  });

  it('members and viewers cannot invite; admins cannot invite an owner; agents cannot add anyone', async () => {
    const t = await team();
    const target = `${uniq('x')}@example.com`;
    expectError(await invite(t.member.key, t.ws.id, target), 403, 'FORBIDDEN');
    expectError(await invite(t.viewer.key, t.ws.id, target), 403, 'FORBIDDEN');
    expectError(await invite(t.admin.key, t.ws.id, target, 'owner'), 403, 'FORBIDDEN');
    expectOk(await invite(t.owner.key, t.ws.id, target, 'owner'), 202);
    const agent = await activeAgent(h, t.owner.key, t.ws.id);
    expectError(await invite(agent.key, t.ws.id, target), 403, 'FORBIDDEN');
    const outsider = await h.newUser('Outsider');
    expectError(await invite(outsider.key, t.ws.id, target), 404, 'NOT_FOUND');
  });

  it('an archived workspace takes no invitations (409), and its pending ones can be neither seen nor accepted', async () => {
    const t = await team();
    const invitee = await h.newUser('Archived');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${t.ws.id}`, { key: t.owner.key }));
    expectError(await invite(t.owner.key, t.ws.id, `${uniq('y')}@example.com`), 409, 'CONFLICT');
    expect(await myInvitations(invitee)).toEqual([]);
    const refused = expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
    expect(refused.message).toMatch(/archived/);
    // The admins still see the list of an archived workspace.
    expect((expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.owner.key })) as any[]).map((i) => i.id)).toEqual([inv.id]);
  });
});

describe('the invitee', () => {
  it('sees the invitation (list and notification), accepts it and joins with the invited role', async () => {
    const t = await team();
    const invitee = await h.newUser('Joiner');
    const inv = expectOk(await invite(t.admin.key, t.ws.id, invitee.email, 'admin'), 202).invitation;
    const [mine] = await myInvitations(invitee);
    expect(mine).toMatchObject({
      id: inv.id,
      workspace: { id: t.ws.id, slug: t.ws.slug, name: t.ws.name },
      role: 'admin',
      status: 'pending',
      invitedBy: { name: 'Admin' },
      expiresAt: inv.expiresAt,
    });
    expect(Date.parse(inv.expiresAt) - clock.now().getTime()).toBe(14 * DAY_MS);
    const [note] = expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: invitee.key })) as any[];
    expect(note).toMatchObject({ type: 'invitation', read: false, context: { workspaceId: t.ws.id, invitationId: inv.id } });
    expect(note.content).toContain(t.ws.name);
    // Not a member yet: the workspace itself stays hidden.
    expectError(await h.call('GET', `/api/v1/workspaces/${t.ws.id}`, { key: invitee.key }), 404, 'NOT_FOUND');

    tick();
    // The invitee's bell and notification long-polls hear that the notification is read (live event to them).
    const heard = h.deps.live.waitFor((e) => e.type === 'notifications.read' && !!e.recipients?.includes(`user:${invitee.id}`), 10_000);
    const accepted = expectOk(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }));
    expect(await heard).not.toBeNull();
    expect(accepted).toMatchObject({ id: inv.id, status: 'accepted', role: 'admin' });
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${t.ws.id}`, { key: invitee.key })).role).toBe('admin');
    expect(await myInvitations(invitee)).toEqual([]);
    expect(expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.admin.key }))).toEqual([]);
    // Answered: the notification is read, and a second answer is refused with the reason.
    expect(expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: invitee.key }))).toEqual([]);
    const again = expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
    expect(again.message).toMatch(/already accepted/);
    expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/decline`, { key: invitee.key }), 409, 'CONFLICT');
    const joined = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${t.ws.id}&action=member.joined`, { key: t.owner.key })) as any[];
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ actor: { id: invitee.id }, target: { id: invitee.id }, metadata: { role: 'admin', invitationId: inv.id } });
  });

  it('declines: not a member, the invitation leaves both lists, and cannot be accepted afterwards', async () => {
    const t = await team();
    const invitee = await h.newUser('Decliner');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    tick();
    expect(expectOk(await h.call('POST', `/api/v1/invitations/${inv.id}/decline`, { key: invitee.key }))).toMatchObject({ status: 'declined' });
    expect(await memberIds(t.ws.id)).not.toContain(invitee.id);
    expect(await myInvitations(invitee)).toEqual([]);
    expect(expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.owner.key }))).toEqual([]);
    const refused = expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
    expect(refused.message).toMatch(/declined/);
    // A new invitation after a decline is a new one.
    const renewed = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    expect(renewed.id).not.toBe(inv.id);
  });

  it("someone else's invitation is 404, for accept and decline alike, even for a member of the workspace", async () => {
    const t = await team();
    const invitee = await h.newUser('Addressee');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    for (const key of [t.member.key, t.owner.key, h.admin.key, (await h.newUser('Other')).key]) {
      expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/decline`, { key }), 404, 'NOT_FOUND');
    }
    expectError(await h.call('POST', '/api/v1/invitations/inv_00000000000000000000000000/accept', { key: invitee.key }), 404, 'NOT_FOUND');
    expect((await myInvitations(invitee)).map((i) => i.id)).toEqual([inv.id]);
  });

  it('expires after 14 days: gone from the list, accept is 409; the admins see it as expired and can renew it', async () => {
    const t = await team();
    const invitee = await h.newUser('Late');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    clock.advance(14 * DAY_MS - 1000);
    expect((await myInvitations(invitee)).map((i) => i.id)).toEqual([inv.id]);
    clock.advance(1000);
    expect(await myInvitations(invitee)).toEqual([]);
    const refused = expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
    expect(refused.message).toMatch(/expired/);
    expect(refused.details).toMatchObject({ status: 'expired' });
    expect(expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.owner.key }))).toMatchObject([{ id: inv.id, status: 'expired' }]);
    const renewed = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    expect(renewed).toMatchObject({ id: inv.id, status: 'pending' });
    expect(expectOk(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }))).toMatchObject({ status: 'accepted' });
  });

  it('agents cannot list, accept or decline invitations (403)', async () => {
    const t = await team();
    const agent = await activeAgent(h, t.owner.key, t.ws.id);
    const inv = expectOk(await invite(t.owner.key, t.ws.id, `${uniq('z')}@example.com`), 202).invitation;
    expectError(await h.call('GET', '/api/v1/me/invitations', { key: agent.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: agent.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/decline`, { key: agent.key }), 403, 'FORBIDDEN');
    expectError(await h.call('GET', invitationsUrl(t.ws.id), { key: agent.key }), 403, 'FORBIDDEN');
  });

  it('an address without a user gets nothing until an instance admin creates that user; then it is theirs', async () => {
    const t = await team();
    const email = `${uniq('future')}@example.com`;
    const inv = expectOk(await invite(t.owner.key, t.ws.id, email, 'viewer'), 202).invitation;
    const row = await h.database.db.query.invitations.findFirst({ where: (i, { eq }) => eq(i.id, inv.id) });
    expect(row).toMatchObject({ email, status: 'pending' });
    tick();
    const created = expectOk(await h.call('POST', '/api/v1/users', { key: h.admin.key, body: { email, name: 'Future', password: 'future-password-1' } }), 201);
    const login = await h.call('POST', '/api/v1/auth/login', { body: { email, password: 'future-password-1' } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const mine = expectOk(await h.call('GET', '/api/v1/me/invitations', { cookie })) as any[];
    expect(mine.map((i) => [i.id, i.role])).toEqual([[inv.id, 'viewer']]);
    expectOk(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { cookie, headers: { origin: 'http://mc.test' } }));
    expect(await memberIds(t.ws.id)).toContain(created.id);
  });

  it('a direct add closes a pending invitation of the same address', async () => {
    const t = await team();
    const invitee = await h.newUser('Both');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    expectOk(await invite(h.admin.key, t.ws.id, invitee.email, 'viewer'), 201);
    expect(expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key: t.owner.key }))).toEqual([]);
    expect(await myInvitations(invitee)).toEqual([]);
    expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
  });
});

describe('the admins: list and revoke', () => {
  it('owners and admins list pending invitations (unknown addresses too); members, viewers and outsiders cannot', async () => {
    const t = await team();
    const emails = [`${uniq('a')}@example.com`, (await h.newUser('Listed')).email];
    for (const e of emails) expectOk(await invite(t.owner.key, t.ws.id, e), 202);
    for (const key of [t.owner.key, t.admin.key, h.admin.key]) {
      const list = expectOk(await h.call('GET', invitationsUrl(t.ws.id), { key })) as any[];
      expect(list.map((i) => i.email).sort()).toEqual([...emails].sort());
      for (const i of list) expect(Object.keys(i).sort()).toEqual(['createdAt', 'email', 'expiresAt', 'id', 'invitedBy', 'role', 'status', 'updatedAt', 'workspaceId']);
    }
    expectError(await h.call('GET', invitationsUrl(t.ws.id), { key: t.member.key }), 403, 'FORBIDDEN');
    expectError(await h.call('GET', invitationsUrl(t.ws.id), { key: t.viewer.key }), 403, 'FORBIDDEN');
    expectError(await h.call('GET', invitationsUrl(t.ws.id), { key: (await h.newUser('Nosy')).key }), 404, 'NOT_FOUND');
  });

  it('revoke: the invitee can no longer accept (409 naming it); only owners revoke an owner invitation; others are 404', async () => {
    const t = await team();
    const invitee = await h.newUser('Revoked');
    const inv = expectOk(await invite(t.owner.key, t.ws.id, invitee.email), 202).invitation;
    const ownerInv = expectOk(await invite(t.owner.key, t.ws.id, `${uniq('boss')}@example.com`, 'owner'), 202).invitation;
    expectError(await h.call('DELETE', invitationsUrl(t.ws.id, inv.id), { key: t.member.key }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', invitationsUrl(t.ws.id, ownerInv.id), { key: t.admin.key }), 403, 'FORBIDDEN');
    tick();
    expect(expectOk(await h.call('DELETE', invitationsUrl(t.ws.id, inv.id), { key: t.admin.key }))).toMatchObject({ id: inv.id, status: 'revoked' });
    expectOk(await h.call('DELETE', invitationsUrl(t.ws.id, ownerInv.id), { key: t.owner.key }));
    expect(await myInvitations(invitee)).toEqual([]);
    const refused = expectError(await h.call('POST', `/api/v1/invitations/${inv.id}/accept`, { key: invitee.key }), 409, 'CONFLICT');
    expect(refused.message).toMatch(/revoked/);
    expect(expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: invitee.key }))).toEqual([]);
    expectError(await h.call('DELETE', invitationsUrl(t.ws.id, inv.id), { key: t.owner.key }), 409, 'CONFLICT');
    // Another workspace's invitation, by its id: 404.
    const other = await team();
    const foreign = expectOk(await invite(other.owner.key, other.ws.id, `${uniq('f')}@example.com`), 202).invitation;
    expectError(await h.call('DELETE', invitationsUrl(t.ws.id, foreign.id), { key: t.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', invitationsUrl(t.ws.id, 'inv_00000000000000000000000000'), { key: t.owner.key }), 404, 'NOT_FOUND');
    const revokedLog = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${t.ws.id}&action=member.invitation_revoked`, { key: t.owner.key })) as any[];
    expect(revokedLog).toHaveLength(2);
  });
});

describe('the test helper', () => {
  it('addMember invites and accepts as the invitee when the caller may not add at once', async () => {
    const owner = await h.newUser('HelperOwner');
    const u = await h.newUser('HelperInvitee');
    const ws = await createWorkspace(h, owner.key);
    const m = await addMember(h, owner.key, ws.id, u.email, 'member');
    expect(m).toMatchObject({ userId: u.id, role: 'member' });
  });
});
