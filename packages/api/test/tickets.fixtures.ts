// Seeding and reading helpers for the tickets suites. Seeding goes through the REST API, as clients would.
import { expect } from 'vitest';
import { approveAgent, getRegistration, registerAgent } from '@mc/core';
import { activeAgent, agentName, type User } from './agents.fixtures';
import { errorOf, type CallResult, type Harness } from './harness';
import { expectOk } from './helpers';

export type Agent = Awaited<ReturnType<typeof activeAgent>>;
export type Ticket = { id: string; number: number; status: string; claimedBy: string | null; leaseExpiresAt: string | null; version: number; [k: string]: any };

/** Run `fn` for 0..n-1, at most `batch` at a time; results in index order. */
export async function inBatches<T>(n: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - start) }, (_, k) => fn(start + k)))));
  }
  return out;
}

/** `n` approved agents of a workspace, each with its key, registered and approved over the API in parallel batches. */
export function activeAgents(h: Harness, adminKey: string, workspace: string, n: number, extra: Record<string, unknown> = {}): Promise<Agent[]> {
  return inBatches(n, 10, () => activeAgent(h, adminKey, workspace, extra));
}

/**
 * The same through the domain's use cases directly (register, approve as `admin`, fetch the key with the
 * registration secret), without HTTP: for suites that need a hundred agents quickly.
 */
export function activeAgentsDirect(h: Harness, admin: User, workspace: string, n: number, capabilities: string[] = []): Promise<Agent[]> {
  const anonymous = h.ctxFor({ kind: 'anonymous' });
  const asAdmin = h.ctxFor({ kind: 'user', userId: admin.id, name: 'Admin', email: admin.email, isInstanceAdmin: false, via: 'api_key', credentialId: 'seed' });
  return inBatches(n, 20, async () => {
    const name = agentName();
    const reg = await registerAgent(anonymous, { workspace, name, capabilities, ip: null });
    await approveAgent(asAdmin, reg.agentId);
    const { apiKey } = await getRegistration(anonymous, reg.agentId, reg.registrationSecret);
    expect(apiKey).toMatch(/^mc_agt_/);
    return { id: reg.agentId, name, secret: reg.registrationSecret, data: reg, key: apiKey! } as Agent;
  });
}

export async function createTicket(h: Harness, key: string, workspaceId: string, body: Record<string, unknown> = {}): Promise<Ticket> {
  return expectOk(await h.call('POST', '/api/v1/tickets', { key, body: { workspaceId, title: 'A ticket', ...body } }), 201);
}

export async function getTicket(h: Harness, key: string, id: string): Promise<Ticket> {
  return expectOk(await h.call('GET', `/api/v1/tickets/${id}`, { key }));
}

export function claim(h: Harness, key: string, id: string): Promise<CallResult> {
  return h.call('PATCH', `/api/v1/tickets/${id}/claim`, { key });
}

export function move(h: Harness, key: string, id: string, status: string, extra: Record<string, unknown> = {}): Promise<CallResult> {
  return h.call('PATCH', `/api/v1/tickets/${id}`, { key, body: { status, ...extra } });
}

export async function available(h: Harness, key: string, query = ''): Promise<Ticket[]> {
  return expectOk(await h.call('GET', `/api/v1/tickets/available${query}`, { key }));
}

export interface ActivityEntry {
  action: string;
  actor: { kind: string; id: string | null; name: string };
  target: { kind: string; id: string };
  summary: string;
  metadata: any;
  createdAt: string;
}

/** Every activity entry matching the filters (workspaceId, targetId, action, …), walking the cursor pages of GET /activity. */
export async function activityOf(h: Harness, filters: Record<string, string>): Promise<ActivityEntry[]> {
  const entries: ActivityEntry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const q = new URLSearchParams({ ...filters, limit: '200', ...(cursor ? { cursor } : {}) });
    const r = await h.call('GET', `/api/v1/activity?${q}`, { key: h.admin.key });
    entries.push(...expectOk(r));
    cursor = r.body.meta?.nextCursor ?? null;
    if (!cursor) return entries;
  }
  throw new Error('activity paging did not end');
}

/** The error code of a failed call, with the body in the message when it is not what the test expects. */
export function codeOf(r: CallResult) {
  expect(r.body?.success, JSON.stringify(r.body)).toBe(false);
  return errorOf(r)?.code;
}
