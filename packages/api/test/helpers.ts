// Small assertion and seeding helpers shared by the integration tests. Seeding goes through the REST API itself,
// so that a helper exercises the same path as a client would.
import { acceptInvitation, type Principal } from '@mc/core';
import { expect } from 'vitest';
import { uniq, type CallResult, type Harness } from './harness';

/** The harness calls `http://mc.test/…`; a dashboard page of the same instance sends this Origin. */
export const SAME_ORIGIN = { origin: 'http://mc.test' };

/** Assert `r` is the error envelope with this status and code, and nothing else; returns `error`. */
export function expectError(r: CallResult, status: number, code: string) {
  const where = `${r.status} ${JSON.stringify(r.body)}`;
  expect(r.status, where).toBe(status);
  expect(r.body?.success, where).toBe(false);
  expect(r.body?.error?.code, where).toBe(code);
  expect(typeof r.body?.error?.message, where).toBe('string');
  expect(r.body?.error?.requestId, where).toBe(r.headers.get('x-request-id'));
  expect(r.body, where).not.toHaveProperty('data');
  expect(Object.keys(r.body).sort(), where).toEqual(['error', 'success']);
  return r.body.error as { code: string; message: string; requestId: string; details?: any };
}

/** Assert a success envelope with this status; returns `data`. */
export function expectOk(r: CallResult, status = 200) {
  const where = `${r.status} ${JSON.stringify(r.body)}`;
  expect(r.status, where).toBe(status);
  expect(r.body?.success, where).toBe(true);
  expect(r.body, where).not.toHaveProperty('error');
  return r.body.data;
}

/** The fields named by a VALIDATION_ERROR's `details.issues`. */
export function issueFields(r: CallResult): string[] {
  return (r.body?.error?.details?.issues ?? []).map((i: { field: string }) => i.field);
}

export async function createWorkspace(h: Harness, key: string, extra: Record<string, unknown> = {}) {
  const slug = uniq('ws');
  const r = await h.call('POST', '/api/v1/workspaces', { key, body: { name: `Workspace ${slug}`, slug, ...extra } });
  return expectOk(r, 201) as { id: string; slug: string; name: string; version: number; role: string | null };
}

/**
 * Make a user a member as the caller of `key` can: added at once (201: an instance admin, or someone who shares a
 * workspace with them), or invited (202) and then accepted by the invitee (through the use case, as them: the
 * helper has only their e-mail). Returns the member.
 */
export async function addMember(h: Harness, key: string, workspaceId: string, email: string, role: string) {
  const r = await h.call('POST', `/api/v1/workspaces/${workspaceId}/members`, { key, body: { email, role } });
  if (r.status !== 202) return expectOk(r, 201);
  const { invitation } = expectOk(r, 202);
  const user = await h.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, email.toLowerCase()) });
  if (!user) throw new Error(`addMember: no user has ${email}; the invitation ${invitation.id} waits for one`);
  await acceptInvitation(h.ctxFor(userPrincipal(user)), invitation.id);
  const members = expectOk(await h.call('GET', `/api/v1/workspaces/${workspaceId}/members`, { key }));
  return members.find((m: { userId: string }) => m.userId === user.id);
}

/** A person as the use cases see them (for seeding through core as someone whose key the test does not hold). */
export function userPrincipal(u: { id: string; name: string; email: string; isInstanceAdmin?: boolean }): Principal {
  return { kind: 'user', userId: u.id, name: u.name, email: u.email, isInstanceAdmin: u.isInstanceAdmin ?? false, via: 'api_key', credentialId: 'seed' };
}

/** Sign in and return the `name=value` pair of the session cookie. */
export async function login(h: Pick<Harness, 'call'>, email: string, password: string): Promise<string> {
  const r = await h.call('POST', '/api/v1/auth/login', { body: { email, password } });
  expectOk(r);
  const setCookie = r.headers.get('set-cookie');
  expect(setCookie).toMatch(/^mc_session=/);
  return setCookie!.split(';')[0];
}
