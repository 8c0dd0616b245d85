// Seeding helpers for the agents suites. Everything goes through the REST API, as an agent and its admins would.
import { expect } from 'vitest';
import { uniq, type CallResult, type Harness } from './harness';
import { addMember, createWorkspace, expectOk } from './helpers';

export type User = Awaited<ReturnType<Harness['newUser']>>;

/** A workspace with an owner, a second admin, a member and a viewer. */
export interface Team {
  ws: { id: string; slug: string };
  owner: User;
  admin: User;
  member: User;
  viewer: User;
}

export async function createTeam(h: Harness): Promise<Team> {
  const [owner, admin, member, viewer] = await Promise.all(['Owner', 'Wadmin', 'Member', 'Viewer'].map((n) => h.newUser(n)));
  const ws = await createWorkspace(h, owner.key);
  // Added at once by the instance admin: the owner shares no workspace with them, so the owner could only invite
  // (and the invitations' notifications would sit in every member's list).
  await addMember(h, h.admin.key, ws.id, admin.email, 'admin');
  await addMember(h, h.admin.key, ws.id, member.email, 'member');
  await addMember(h, h.admin.key, ws.id, viewer.email, 'viewer');
  return { ws, owner, admin, member, viewer };
}

/** A valid agent name, unique across the run. */
export const agentName = (p = 'bot') => uniq(p).replace(/[^A-Za-z0-9._-]/g, '-');

export function register(h: Harness, body: Record<string, unknown>, headers?: Record<string, string>): Promise<CallResult> {
  return h.call('POST', '/api/v1/agents', { body, headers });
}

/** Register a pending agent (202); returns its id, name and registration secret. */
export async function registerPending(h: Harness, workspace: string, extra: Record<string, unknown> = {}) {
  const name = (extra.name as string | undefined) ?? agentName();
  const r = await register(h, { workspace, name, capabilities: ['code', 'review'], description: 'test agent', ...extra });
  const data = expectOk(r, 202) as { agentId: string; workspaceId: string; status: string; registrationSecret: string; pollUrl: string };
  return { id: data.agentId, name, secret: data.registrationSecret, data };
}

export function poll(h: Harness, agentId: string, secret: string) {
  return h.call('GET', `/api/v1/agents/${agentId}/registration`, { key: secret });
}

/** Register, approve (as `adminKey`) and fetch the key through the registration poll. */
export async function activeAgent(h: Harness, adminKey: string, workspace: string, extra: Record<string, unknown> = {}) {
  const p = await registerPending(h, workspace, extra);
  expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: adminKey }));
  const reg = expectOk(await poll(h, p.id, p.secret));
  expect(reg.apiKey).toMatch(/^mc_agt_/);
  return { ...p, key: reg.apiKey as string };
}

export async function agentActivity(h: Harness, workspaceId: string, action = 'agent.*') {
  const r = await h.call('GET', `/api/v1/activity?workspaceId=${workspaceId}&action=${encodeURIComponent(action)}&limit=200`, { key: h.admin.key });
  return expectOk(r) as { action: string; actor: { kind: string; id: string | null; name: string }; target: { kind: string; id: string }; metadata?: any }[];
}

export async function keyRows(h: Harness, agentId: string) {
  return h.database.db.query.agentKeys.findMany({ where: (k, { eq }) => eq(k.agentId, agentId) });
}
