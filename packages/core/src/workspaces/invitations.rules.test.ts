import { describe, expect, it } from 'vitest';
import { addsDirectly, endedMessage, ENDINGS_ALLOWED_AFTER_EXPIRY, INVITATION_ENDINGS, INVITATION_TTL_MS, invitationStatus } from './invitations.rules';

describe('addsDirectly: when adding someone reveals nothing new', () => {
  const cases: [string, { isInstanceAdmin: boolean }, { exists: boolean; sharesWorkspaceWithCaller: boolean }, boolean][] = [
    ['an instance admin adds an existing user', { isInstanceAdmin: true }, { exists: true, sharesWorkspaceWithCaller: false }, true],
    ['a colleague (shared workspace) is added', { isInstanceAdmin: false }, { exists: true, sharesWorkspaceWithCaller: true }, true],
    ['a stranger is invited', { isInstanceAdmin: false }, { exists: true, sharesWorkspaceWithCaller: false }, false],
    ['an unknown address is invited', { isInstanceAdmin: false }, { exists: false, sharesWorkspaceWithCaller: false }, false],
    ['an unknown address is invited, even by an instance admin', { isInstanceAdmin: true }, { exists: false, sharesWorkspaceWithCaller: false }, false],
  ];
  for (const [name, caller, invitee, expected] of cases) it(name, () => expect(addsDirectly(caller, invitee)).toBe(expected));
});

describe('invitationStatus', () => {
  const sent = new Date('2026-06-01T00:00:00Z');
  const expiresAt = new Date(sent.getTime() + INVITATION_TTL_MS);

  it('lasts 14 days: pending until the last millisecond, expired from expiresAt on', () => {
    expect(INVITATION_TTL_MS).toBe(14 * 24 * 3600 * 1000);
    expect(invitationStatus({ status: 'pending', expiresAt }, new Date(expiresAt.getTime() - 1))).toBe('pending');
    expect(invitationStatus({ status: 'pending', expiresAt }, expiresAt)).toBe('expired');
  });

  it('an answered invitation keeps its answer after the expiry', () => {
    for (const status of ['accepted', 'declined', 'revoked']) {
      expect(invitationStatus({ status, expiresAt }, new Date(expiresAt.getTime() + 1))).toBe(status);
    }
  });
});

describe('endings', () => {
  it('accept and decline are the invitee’s, revoke the admins’; only revoke works after expiry', () => {
    expect(Object.fromEntries(Object.entries(INVITATION_ENDINGS).map(([k, v]) => [k, v.by]))).toEqual({ accept: 'invitee', decline: 'invitee', revoke: 'workspace_admin' });
    expect([...ENDINGS_ALLOWED_AFTER_EXPIRY]).toEqual(['revoke']);
  });

  it('every state that ends an invitation has its own message', () => {
    const messages = (['accepted', 'declined', 'revoked', 'expired'] as const).map((s) => endedMessage(s, 'Orbit'));
    expect(new Set(messages).size).toBe(4);
    for (const m of messages) expect(m).toContain('Orbit');
  });
});
