// Agents (issue #3): self-registration, approval with a key handed over once, authentication with agent keys,
// discovery, deactivate/activate/delete, workspace isolation, the activity trail, and the per-IP registration
// limit. Rotation and liveness (controllable clock) are in agents-keys.int.test.ts; the endpoint callback in
// agents-callback.int.test.ts.
import { ManualClock, sha256 } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeAgent,
  agentActivity,
  agentName,
  createTeam,
  keyRows,
  poll,
  register,
  registerPending,
  type Team,
  type User,
} from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
let t: Team;
let outsider: User;

beforeAll(async () => {
  h = await createHarness();
  t = await createTeam(h);
  outsider = await h.newUser('Outsider');
});
afterAll(async () => {
  await h?.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('registration', () => {
  it('answers 202 with the agent id and a one-time registration secret; the agent is pending and can do nothing', async () => {
    const name = agentName('Coder');
    const r = await register(
      h,
      { workspace: t.ws.slug, name, endpoint: 'https://agents.example.com/hook', capabilities: ['code', 'review', 'code'], description: 'writes code' },
      { 'x-forwarded-for': '198.51.100.23' },
    );
    const data = expectOk(r, 202);
    expect(data).toEqual({
      agentId: expect.stringMatching(/^agt_/),
      workspaceId: t.ws.id,
      status: 'pending',
      registrationSecret: expect.stringMatching(/^mc_reg_[A-Za-z0-9_-]{43}$/),
      pollUrl: `/api/v1/agents/${data.agentId}/registration`,
    });

    // The secret is stored as its hash only.
    const [row] = await h.database.db.query.agents.findMany({ where: (a, { eq }) => eq(a.id, data.agentId) });
    expect(row.registrationSecretHash).toBe(sha256(data.registrationSecret));
    expect(JSON.stringify(row)).not.toContain(data.registrationSecret);
    expect(await keyRows(h, data.agentId)).toEqual([]);

    // The workspace's admins see it, with the IP it registered from; duplicate capabilities are folded.
    const seen = expectOk(await h.call('GET', `/api/v1/agents/${data.agentId}`, { key: t.admin.key }));
    expect(seen).toEqual({
      id: data.agentId,
      workspaceId: t.ws.id,
      name,
      endpoint: 'https://agents.example.com/hook',
      dispatchChannel: 'endpoint',
      capabilities: ['code', 'review'],
      description: 'writes code',
      status: 'pending',
      liveness: 'offline',
      lastSeenAt: null,
      registrationIp: '198.51.100.23',
      rejectionReason: null,
      decidedAt: null,
      keyIssuedAt: null,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      version: 1,
    });

    // The poll tells it to wait.
    expect(expectOk(await poll(h, data.agentId, data.registrationSecret))).toEqual({
      agentId: data.agentId,
      workspaceId: t.ws.id,
      status: 'pending',
      rejectionReason: null,
      apiKey: null,
      keyDelivery: null,
    });
  });

  it('takes the workspace by id as well as by slug; endpoint, capabilities and description are optional', async () => {
    const r = await register(h, { workspace: t.ws.id, name: agentName() });
    const data = expectOk(r, 202);
    const seen = expectOk(await h.call('GET', `/api/v1/agents/${data.agentId}`, { key: t.owner.key }));
    expect(seen).toMatchObject({ workspaceId: t.ws.id, endpoint: null, capabilities: [], description: '', status: 'pending' });
  });

  it('refuses bad input with 400 naming each field', async () => {
    const base = { workspace: t.ws.slug, name: agentName(), capabilities: ['code'] };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ ...base, endpoint: 'ftp://x' }, ['endpoint']],
      [{ ...base, endpoint: 'not a url' }, ['endpoint']],
      [{ ...base, endpoint: 'javascript:alert(1)' }, ['endpoint']],
      [{ ...base, capabilities: Array.from({ length: 33 }, (_, i) => `cap${i}`) }, ['capabilities']],
      [{ ...base, capabilities: ['code', 'Has Space'] }, ['capabilities.1']],
      [{ ...base, capabilities: ['UPPER'] }, ['capabilities.0']],
      [{ ...base, capabilities: 'code' }, ['capabilities']],
      [{ ...base, name: 'my bot' }, ['name']],
      [{ ...base, name: '' }, ['name']],
      [{ ...base, name: '-dash-first' }, ['name']],
      [{ ...base, name: 'x'.repeat(65) }, ['name']],
      [{ ...base, description: 'd'.repeat(2001) }, ['description']],
      [{ name: base.name }, ['workspace']],
      [{ ...base, apiKey: 'mc_agt_mine' }, ['apiKey']],
      [{ ...base, name: 'bad name', endpoint: 'ftp://x', capabilities: ['A'] }, ['capabilities.0', 'endpoint', 'name']],
    ];
    for (const [body, fields] of cases) {
      const r = await register(h, body);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r).sort(), JSON.stringify(body).slice(0, 120)).toEqual(fields);
    }
    // 32 capabilities are fine.
    expectOk(await register(h, { ...base, name: agentName(), capabilities: Array.from({ length: 32 }, (_, i) => `cap${i}`) }), 202);
    // Nothing of the refused ones was stored.
    const all = await h.database.db.query.agents.findMany({ where: (a, { eq }) => eq(a.name, base.name) });
    expect(all).toEqual([]);
  });

  it('a duplicate name (any case) in the same workspace is 409 naming `name`; another workspace may reuse it', async () => {
    const name = agentName('Dupe');
    await registerPending(h, t.ws.slug, { name });
    for (const variant of [name, name.toUpperCase(), name.toLowerCase()]) {
      const r = await register(h, { workspace: t.ws.slug, name: variant });
      const err = expectError(r, 409, 'CONFLICT');
      expect(err.details.issues).toEqual([expect.objectContaining({ field: 'name' })]);
    }
    const other = await createWorkspace(h, outsider.key);
    expectOk(await register(h, { workspace: other.slug, name }), 202);
    const rows = await h.database.db.query.agents.findMany({ where: (a, { eq, sql }) => eq(sql`lower(${a.name})`, name.toLowerCase()) });
    expect(rows.map((r) => r.workspaceId).sort()).toEqual([t.ws.id, other.id].sort());
  });

  it('an unknown workspace is 404 naming `workspace`; an archived one takes no agents (409)', async () => {
    const r = await register(h, { workspace: 'no-such-workspace', name: agentName() });
    const err = expectError(r, 404, 'NOT_FOUND');
    expect(err.details.issues).toEqual([expect.objectContaining({ field: 'workspace' })]);

    const ws = await createWorkspace(h, outsider.key);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: outsider.key }));
    expectError(await register(h, { workspace: ws.slug, name: agentName() }), 409, 'CONFLICT');
  });

  it('a pending agent’s registration secret opens nothing but its own poll', async () => {
    const p = await registerPending(h, t.ws.slug);
    const other = await registerPending(h, t.ws.slug);
    const tries: [string, string][] = [
      ['GET', '/api/v1/agents/me'],
      ['POST', '/api/v1/agents/me/heartbeat'],
      ['GET', '/api/v1/agents'],
      ['GET', `/api/v1/agents/${p.id}`],
      ['GET', '/api/v1/workspaces'],
      ['GET', `/api/v1/workspaces/${t.ws.id}`],
      ['GET', '/api/v1/me'],
      ['POST', `/api/v1/agents/${p.id}/rotate-key`],
    ];
    for (const [method, path] of tries) {
      expectError(await h.call(method, path, { key: p.secret, body: method === 'POST' ? {} : undefined }), 401, 'UNAUTHENTICATED');
      expectError(await h.call(method, path, { headers: { 'x-api-key': p.secret }, body: method === 'POST' ? {} : undefined }), 401, 'UNAUTHENTICATED');
    }
    // Not another agent's poll either, and not its own without the secret or with a wrong one.
    expectError(await poll(h, other.id, p.secret), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', `/api/v1/agents/${p.id}/registration`), 401, 'UNAUTHENTICATED');
    expectError(await poll(h, p.id, `${p.secret.slice(0, -1)}x`), 401, 'UNAUTHENTICATED');
    expectError(await poll(h, 'agt_unknown', p.secret), 401, 'UNAUTHENTICATED');

    // Once approved, the secret still only reads the poll.
    expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.admin.key }));
    expectError(await h.call('GET', '/api/v1/agents/me', { key: p.secret }), 401, 'UNAUTHENTICATED');
    expect(expectOk(await poll(h, p.id, p.secret)).apiKey).toMatch(/^mc_agt_/);
    expectError(await h.call('GET', '/api/v1/agents/me', { key: p.secret }), 401, 'UNAUTHENTICATED');
  });
});

describe('approval', () => {
  it('admins list pending registrations; approving hands the key out exactly once through the poll', async () => {
    const p = await registerPending(h, t.ws.slug);
    const pending = expectOk(await h.call('GET', `/api/v1/agents?status=pending&workspaceId=${t.ws.id}&limit=200`, { key: t.admin.key }));
    expect(pending.map((a: { id: string }) => a.id)).toContain(p.id);
    expect(pending.every((a: { status: string }) => a.status === 'pending')).toBe(true);

    const approved = expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.admin.key }));
    expect(approved).toMatchObject({ id: p.id, status: 'active', keyDelivery: 'registration_poll', decidedAt: expect.stringMatching(ISO), keyIssuedAt: null });
    expect(approved).not.toHaveProperty('apiKey');
    expect(await keyRows(h, p.id)).toEqual([]);

    const first = expectOk(await poll(h, p.id, p.secret));
    expect(first).toEqual({
      agentId: p.id,
      workspaceId: t.ws.id,
      status: 'active',
      rejectionReason: null,
      apiKey: expect.stringMatching(/^mc_agt_[A-Za-z0-9_-]{43}$/), // 32 random bytes
      keyDelivery: 'registration_poll',
    });
    for (let i = 0; i < 2; i++) {
      expect(expectOk(await poll(h, p.id, p.secret))).toEqual({ ...first, apiKey: null });
    }
    const rows = await keyRows(h, p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].keyHash).toBe(sha256(first.apiKey));

    // The key works; the agent is no longer pending.
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key: first.apiKey })).id).toBe(p.id);
    const stillPending = expectOk(await h.call('GET', `/api/v1/agents?status=pending&workspaceId=${t.ws.id}&limit=200`, { key: t.admin.key }));
    expect(stillPending.map((a: { id: string }) => a.id)).not.toContain(p.id);
    expect(expectOk(await h.call('GET', `/api/v1/agents/${p.id}`, { key: t.member.key })).keyIssuedAt).toMatch(ISO);
  });

  it('racing polls after approval: exactly one of them gets the key, and one key row exists', async () => {
    const p = await registerPending(h, t.ws.slug);
    expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.owner.key }));
    const results = await Promise.all(Array.from({ length: 4 }, () => poll(h, p.id, p.secret)));
    const keys = results.map((r) => expectOk(r).apiKey).filter((k) => k !== null);
    expect(keys).toHaveLength(1);
    const rows = await keyRows(h, p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].keyHash).toBe(sha256(keys[0]));
  });

  it('two admins approving at once: one 200, one 409, exactly one key', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await registerPending(h, t.ws.slug);
      const results = await Promise.all([
        h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.owner.key }),
        h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.admin.key }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expectError(results.find((r) => r.status === 409)!, 409, 'CONFLICT');
      const polls = await Promise.all([poll(h, p.id, p.secret), poll(h, p.id, p.secret)]);
      expect(polls.map((r) => expectOk(r).apiKey).filter(Boolean)).toHaveLength(1);
      expect(await keyRows(h, p.id)).toHaveLength(1);
      const log = await agentActivity(h, t.ws.id, 'agent.approved');
      expect(log.filter((e) => e.target.id === p.id)).toHaveLength(1);
    }
  });

  it('approving an agent that is not pending is 409 naming its status', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const err = expectError(await h.call('POST', `/api/v1/agents/${a.id}/approve`, { key: t.owner.key }), 409, 'CONFLICT');
    expect(err.details).toMatchObject({ status: 'active' });
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/reject`, { key: t.owner.key, body: { reason: 'late' } }), 409, 'CONFLICT');
    expect(await keyRows(h, a.id)).toHaveLength(1);
  });

  it('rejection takes a reason, is shown to the agent, and gives no key; the name is free again', async () => {
    const p = await registerPending(h, t.ws.slug);
    const noReason = await h.call('POST', `/api/v1/agents/${p.id}/reject`, { key: t.admin.key, body: {} });
    expectError(noReason, 400, 'VALIDATION_ERROR');
    expect(issueFields(noReason)).toEqual(['reason']);
    const blank = await h.call('POST', `/api/v1/agents/${p.id}/reject`, { key: t.admin.key, body: { reason: '   ' } });
    expect(issueFields(blank)).toEqual(['reason']);

    const rejected = expectOk(await h.call('POST', `/api/v1/agents/${p.id}/reject`, { key: t.admin.key, body: { reason: 'unknown vendor' } }));
    expect(rejected).toMatchObject({ id: p.id, status: 'rejected', rejectionReason: 'unknown vendor', decidedAt: expect.stringMatching(ISO) });
    expect(expectOk(await poll(h, p.id, p.secret))).toEqual({
      agentId: p.id,
      workspaceId: t.ws.id,
      status: 'rejected',
      rejectionReason: 'unknown vendor',
      apiKey: null,
      keyDelivery: null,
    });
    expectError(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.owner.key }), 409, 'CONFLICT');
    expect(await keyRows(h, p.id)).toEqual([]);
    expect(expectOk(await h.call('GET', `/api/v1/agents?status=rejected&workspaceId=${t.ws.id}&limit=200`, { key: t.member.key })).map((a: any) => a.id)).toContain(p.id);
    // A rejected agent frees its name.
    expectOk(await register(h, { workspace: t.ws.slug, name: p.name }), 202);
  });

  it('only workspace admins decide: member and viewer 403, an outsider 404, an agent 403', async () => {
    const p = await registerPending(h, t.ws.slug);
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    for (const action of ['approve', 'reject']) {
      const body = action === 'reject' ? { reason: 'no' } : undefined;
      expectError(await h.call('POST', `/api/v1/agents/${p.id}/${action}`, { key: t.member.key, body }), 403, 'FORBIDDEN');
      expectError(await h.call('POST', `/api/v1/agents/${p.id}/${action}`, { key: t.viewer.key, body }), 403, 'FORBIDDEN');
      expectError(await h.call('POST', `/api/v1/agents/${p.id}/${action}`, { key: outsider.key, body }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/agents/${p.id}/${action}`, { key: a.key, body }), 403, 'FORBIDDEN');
    }
    expect(expectOk(await h.call('GET', `/api/v1/agents/${p.id}`, { key: t.admin.key })).status).toBe('pending');
    // The instance admin may decide anywhere.
    expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: h.admin.key }));
  });
});

describe('authentication with an agent key', () => {
  it('works as Bearer and as X-API-Key; the table holds only its hash; last use is recorded', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    expect(a.key).toMatch(/^mc_agt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice('mc_agt_'.length), 'base64url')).toHaveLength(32);

    const before = await keyRows(h, a.id);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ keyHash: sha256(a.key), keyPrefix: a.key.slice(0, 11), workspaceId: t.ws.id, lastUsedAt: null, revokedAt: null, expiresAt: null });
    expect(JSON.stringify(before)).not.toContain(a.key);
    expect(JSON.stringify(before)).not.toContain(a.key.slice(11));

    const viaBearer = expectOk(await h.call('GET', '/api/v1/agents/me', { key: a.key }));
    expect(viaBearer).toMatchObject({ id: a.id, workspaceId: t.ws.id, name: a.name, status: 'active', registrationIp: null });
    const viaHeader = expectOk(await h.call('GET', '/api/v1/agents/me', { headers: { 'x-api-key': a.key } }));
    expect(viaHeader.id).toBe(a.id);

    await h.deps.keyUsage.flush();
    const [after] = await keyRows(h, a.id);
    expect(after.lastUsedAt).toBeInstanceOf(Date);
    expect(Date.now() - after.lastUsedAt!.getTime()).toBeLessThan(60_000);
    // Key use counts as being seen.
    const seen = expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key }));
    expect(seen.lastSeenAt).toBe(after.lastUsedAt!.toISOString());
    expect(seen.liveness).toBe('online');
  });

  it('refuses unknown, malformed and tampered agent keys with 401', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    for (const key of ['mc_agt_nope', `${a.key.slice(0, -1)}${a.key.endsWith('A') ? 'B' : 'A'}`, a.key.toUpperCase()]) {
      expectError(await h.call('GET', '/api/v1/agents/me', { key }), 401, 'UNAUTHENTICATED');
    }
    expectError(await h.call('GET', '/api/v1/agents/me', { headers: { authorization: `Basic ${a.key}` } }), 401, 'UNAUTHENTICATED');
  });

  it('binds the agent to its one workspace and to agent actions', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const other = await createWorkspace(h, outsider.key);
    expectError(await h.call('GET', `/api/v1/agents?workspaceId=${other.id}`, { key: a.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/agents?workspaceId=${other.slug}`, { key: a.key }), 404, 'NOT_FOUND');
    // Its own workspace, named by id or slug, is fine.
    expectOk(await h.call('GET', `/api/v1/agents?workspaceId=${t.ws.id}`, { key: a.key }));
    expectOk(await h.call('GET', `/api/v1/agents?workspaceId=${t.ws.slug}`, { key: a.key }));
    // People's endpoints are not for agents.
    expectError(await h.call('GET', '/api/v1/workspaces', { key: a.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/workspaces', { key: a.key, body: { name: 'x', slug: 'agent-made' } }), 403, 'FORBIDDEN');
    expectError(await h.call('GET', `/api/v1/activity?workspaceId=${t.ws.id}`, { key: a.key }), 403, 'FORBIDDEN');
    // And agent endpoints are not for people.
    expectError(await h.call('GET', '/api/v1/agents/me', { key: t.owner.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: t.owner.key }), 403, 'FORBIDDEN');
  });
});

describe('discovery', () => {
  let d: Team;
  let alpha: Awaited<ReturnType<typeof activeAgent>>;
  let beta: Awaited<ReturnType<typeof activeAgent>>;
  let gamma: Awaited<ReturnType<typeof activeAgent>>;
  let waiting: Awaited<ReturnType<typeof registerPending>>;
  let foreign: Awaited<ReturnType<typeof activeAgent>>;
  let stranger: User; // owner of another workspace with one agent

  beforeAll(async () => {
    d = await createTeam(h);
    alpha = await activeAgent(h, d.admin.key, d.ws.slug, { name: 'alpha', capabilities: ['code', 'python'] });
    beta = await activeAgent(h, d.admin.key, d.ws.slug, { name: 'Beta', capabilities: ['review'] });
    gamma = await activeAgent(h, d.admin.key, d.ws.slug, { name: 'gamma', capabilities: ['code', 'deploy:prod'] });
    waiting = await registerPending(h, d.ws.slug, { name: 'delta', capabilities: ['code'] });
    expectOk(await h.call('POST', `/api/v1/agents/${gamma.id}/deactivate`, { key: d.admin.key }));
    stranger = await h.newUser('Stranger');
    const otherWs = await createWorkspace(h, stranger.key);
    foreign = await activeAgent(h, stranger.key, otherWs.slug, { name: 'alpha', capabilities: ['code'] });
  });

  const ids = (r: { body: any }) => (r.body.data as { id: string }[]).map((a) => a.id);

  it("lists the workspace's agents to its agents and to its members, never another workspace's", async () => {
    const all = [alpha.id, beta.id, gamma.id, waiting.id].sort();
    const byAgent = await h.call('GET', '/api/v1/agents?limit=200', { key: beta.key });
    expectOk(byAgent);
    expect(ids(byAgent).sort()).toEqual(all);
    expect(byAgent.body.meta).toMatchObject({ limit: 200, total: 4 });
    // Agents do not see registration IPs; people do.
    expect(byAgent.body.data.every((a: { registrationIp: string | null }) => a.registrationIp === null)).toBe(true);

    for (const who of [d.owner, d.admin, d.member, d.viewer]) {
      const r = await h.call('GET', `/api/v1/agents?workspaceId=${d.ws.id}&limit=200`, { key: who.key });
      expectOk(r);
      expect(ids(r).sort()).toEqual(all);
      expect(r.body.data.every((a: { registrationIp: string | null }) => a.registrationIp === 'local')).toBe(true);
    }
    // Without workspaceId a member gets the agents of all their workspaces: here just this one.
    const mine = await h.call('GET', '/api/v1/agents?limit=200', { key: d.viewer.key });
    expect(ids(mine).sort()).toEqual(all);
    expect(ids(await h.call('GET', '/api/v1/agents?limit=200', { key: d.member.key }))).not.toContain(foreign.id);
    expect(ids(await h.call('GET', '/api/v1/agents?limit=200', { key: foreign.key }))).toEqual([foreign.id]);
    // Somebody who is not a member: 404 for the workspace, nothing without it.
    expectError(await h.call('GET', `/api/v1/agents?workspaceId=${d.ws.id}`, { key: stranger.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/agents?workspaceId=${d.ws.slug}`, { key: stranger.key }), 404, 'NOT_FOUND');
    expect(ids(await h.call('GET', '/api/v1/agents?limit=200', { key: stranger.key }))).toEqual([foreign.id]);
    // The instance admin sees every workspace's agents.
    const everything = ids(await h.call('GET', '/api/v1/agents?limit=200', { key: h.admin.key }));
    expect(everything).toEqual(expect.arrayContaining([...all, foreign.id]));
    // Without a key: 401.
    expectError(await h.call('GET', '/api/v1/agents'), 401, 'UNAUTHENTICATED');
  });

  it('filters by status and capability', async () => {
    const q = (s: string) => h.call('GET', `/api/v1/agents?workspaceId=${d.ws.id}&${s}`, { key: d.member.key });
    expect(ids(await q('status=active&sort=name')).sort()).toEqual([alpha.id, beta.id].sort());
    expect(ids(await q('status=pending'))).toEqual([waiting.id]);
    expect(ids(await q('status=deactivated'))).toEqual([gamma.id]);
    expect(ids(await q('status=rejected'))).toEqual([]);
    expect(ids(await q('capability=code')).sort()).toEqual([alpha.id, gamma.id, waiting.id].sort());
    expect(ids(await q('capability=code&status=active'))).toEqual([alpha.id]);
    expect(ids(await q('capability=deploy:prod'))).toEqual([gamma.id]);
    expect(ids(await q('capability=cod'))).toEqual([]);
    // The agent's view filters the same way.
    expect(ids(await h.call('GET', '/api/v1/agents?capability=review', { key: alpha.key }))).toEqual([beta.id]);

    for (const [s, field] of [
      ['status=deleted', 'status'],
      ['status=bogus', 'status'],
      ['sort=secret', 'sort'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
    ]) {
      const r = await q(s);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual([field]);
    }
  });

  it('sorts and pages', async () => {
    const names = (r: { body: any }) => (r.body.data as { name: string }[]).map((a) => a.name);
    const q = (s: string) => h.call('GET', `/api/v1/agents?workspaceId=${d.ws.id}&${s}`, { key: d.member.key });
    const byName = await q('sort=name');
    expect(names(byName)).toEqual([...names(byName)].sort());
    expect(names(byName)).toHaveLength(4);
    const desc = names(await q('sort=-name'));
    expect(desc).toEqual([...names(byName)].reverse());
    expect(ids(await q('sort=createdAt'))).toEqual([alpha.id, beta.id, gamma.id, waiting.id]);
    expect(ids(await q('sort=-createdAt'))).toEqual([waiting.id, gamma.id, beta.id, alpha.id]);

    const p1 = await q('sort=createdAt&limit=3&offset=0');
    expect(ids(p1)).toEqual([alpha.id, beta.id, gamma.id]);
    expect(p1.body.meta).toMatchObject({ limit: 3, offset: 0, total: 4 });
    const p2 = await q('sort=createdAt&limit=3&offset=3');
    expect(ids(p2)).toEqual([waiting.id]);
    expect(p2.body.meta).toMatchObject({ limit: 3, offset: 3, total: 4, nextCursor: null });
    const past = await q('sort=createdAt&limit=3&offset=10');
    expect(ids(past)).toEqual([]);
    expect(past.body.meta).toMatchObject({ limit: 3, offset: 10, total: 4 });
    expect((await q('status=rejected')).body.meta).toMatchObject({ total: 0 });

    // Cursor paging walks the same order.
    const c1 = await q('sort=createdAt&limit=2');
    expect(ids(c1)).toEqual([alpha.id, beta.id]);
    const c2 = await q(`sort=createdAt&limit=2&cursor=${encodeURIComponent(c1.body.meta.nextCursor)}`);
    expect(ids(c2)).toEqual([gamma.id, waiting.id]);
  });

  it('GET /agents/me is the calling agent', async () => {
    const me = expectOk(await h.call('GET', '/api/v1/agents/me', { key: alpha.key }));
    expect(me).toMatchObject({ id: alpha.id, name: 'alpha', workspaceId: d.ws.id, capabilities: ['code', 'python'], status: 'active' });
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key: foreign.key })).id).toBe(foreign.id);
  });
});

describe('workspace isolation', () => {
  it("another workspace's agent is 404 to agents and people outside it", async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const b = (await createTeam(h)) as Team;
    const bAgent = await activeAgent(h, b.admin.key, b.ws.slug);
    const bPending = await registerPending(h, b.ws.slug);

    // Agent of A asking about agents of B.
    for (const id of [bAgent.id, bPending.id]) {
      expectError(await h.call('GET', `/api/v1/agents/${id}`, { key: a.key }), 404, 'NOT_FOUND');
      expectError(await h.call('PATCH', `/api/v1/agents/${id}`, { key: a.key, body: { description: 'mine now' } }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/agents/${id}/rotate-key`, { key: a.key, body: {} }), 404, 'NOT_FOUND');
    }
    // People of B asking about A's agent: even B's owner.
    for (const who of [b.owner, b.admin, b.member]) {
      expectError(await h.call('GET', `/api/v1/agents/${a.id}`, { key: who.key }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: who.key, body: {} }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: who.key }), 404, 'NOT_FOUND');
      expectError(await h.call('DELETE', `/api/v1/agents/${a.id}`, { key: who.key }), 404, 'NOT_FOUND');
      expectError(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: who.key, body: { description: 'x' } }), 404, 'NOT_FOUND');
    }
    const aPending = await registerPending(h, t.ws.slug);
    expectError(await h.call('POST', `/api/v1/agents/${aPending.id}/approve`, { key: b.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', `/api/v1/agents/${aPending.id}/reject`, { key: b.owner.key, body: { reason: 'x' } }), 404, 'NOT_FOUND');
    // The 404 looks the same as for an id that does not exist.
    const unknown = expectError(await h.call('GET', '/api/v1/agents/agt_doesnotexist', { key: b.owner.key }), 404, 'NOT_FOUND');
    const hidden = expectError(await h.call('GET', `/api/v1/agents/${a.id}`, { key: b.owner.key }), 404, 'NOT_FOUND');
    expect(hidden.message).toBe(unknown.message);

    // Nothing changed.
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })).status).toBe('active');
    expect(expectOk(await h.call('GET', `/api/v1/agents/${aPending.id}`, { key: t.member.key })).status).toBe('pending');
    expect(await keyRows(h, a.id)).toHaveLength(1);
    expect(await keyRows(h, bAgent.id)).toHaveLength(1);
  });
});

describe('deactivate, activate, delete', () => {
  it('deactivation stops the keys at once; activation restores them', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    expectOk(await h.call('GET', '/api/v1/agents/me', { key: a.key }));

    const off = expectOk(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: t.admin.key }));
    expect(off).toMatchObject({ id: a.id, status: 'deactivated', liveness: 'offline' });
    expectError(await h.call('GET', '/api/v1/agents/me', { key: a.key }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('GET', '/api/v1/agents/me', { headers: { 'x-api-key': a.key } }), 401, 'UNAUTHENTICATED');
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }), 401, 'UNAUTHENTICATED');
    // Twice is a conflict; a deactivated agent cannot rotate.
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: t.admin.key }), 409, 'CONFLICT');
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: t.admin.key, body: {} }), 409, 'CONFLICT');
    expect(await keyRows(h, a.id)).toHaveLength(1);

    const on = expectOk(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: t.owner.key }));
    expect(on).toMatchObject({ id: a.id, status: 'active' });
    expect(expectOk(await h.call('GET', '/api/v1/agents/me', { key: a.key })).id).toBe(a.id);
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: t.owner.key }), 409, 'CONFLICT');
  });

  it('only workspace admins deactivate, activate and delete; the agent itself cannot', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    for (const [method, path] of [
      ['POST', `/api/v1/agents/${a.id}/deactivate`],
      ['DELETE', `/api/v1/agents/${a.id}`],
    ]) {
      expectError(await h.call(method, path, { key: t.member.key }), 403, 'FORBIDDEN');
      expectError(await h.call(method, path, { key: t.viewer.key }), 403, 'FORBIDDEN');
      expectError(await h.call(method, path, { key: a.key }), 403, 'FORBIDDEN');
    }
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: t.admin.key }));
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: t.member.key }), 403, 'FORBIDDEN');
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })).status).toBe('deactivated');
    // A pending agent cannot be deactivated or activated.
    const p = await registerPending(h, t.ws.slug);
    expectError(await h.call('POST', `/api/v1/agents/${p.id}/deactivate`, { key: t.admin.key }), 409, 'CONFLICT');
    expectError(await h.call('POST', `/api/v1/agents/${p.id}/activate`, { key: t.admin.key }), 409, 'CONFLICT');
  });

  it('deletion revokes every key for good, hides the agent from lists, and keeps its history', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const peer = await activeAgent(h, t.admin.key, t.ws.slug);
    const rotated = expectOk(await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: a.key, body: { graceSeconds: 3600 } }));
    // Both the graced old key and the new one work before the deletion.
    expectOk(await h.call('GET', '/api/v1/agents/me', { key: a.key }));
    expectOk(await h.call('GET', '/api/v1/agents/me', { key: rotated.apiKey }));

    const gone = expectOk(await h.call('DELETE', `/api/v1/agents/${a.id}`, { key: t.admin.key }));
    expect(gone).toMatchObject({ id: a.id, status: 'deleted' });
    for (const key of [a.key, rotated.apiKey]) {
      expectError(await h.call('GET', '/api/v1/agents/me', { key }), 401, 'UNAUTHENTICATED');
      expectError(await h.call('GET', '/api/v1/agents', { headers: { 'x-api-key': key } }), 401, 'UNAUTHENTICATED');
    }
    const rows = await keyRows(h, a.id);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.revokedAt instanceof Date)).toBe(true);

    // Gone from every list, with or without filters.
    for (const s of ['', '&status=active', '&capability=code', '&sort=name']) {
      const r = await h.call('GET', `/api/v1/agents?workspaceId=${t.ws.id}&limit=200${s}`, { key: t.member.key });
      expect(ids(r)).not.toContain(a.id);
    }
    expect(ids(await h.call('GET', '/api/v1/agents?limit=200', { key: peer.key }))).not.toContain(a.id);
    // A person can still look it up (history names it); another agent cannot.
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key }))).toMatchObject({ id: a.id, status: 'deleted', name: a.name });
    expectError(await h.call('GET', `/api/v1/agents/${a.id}`, { key: peer.key }), 404, 'NOT_FOUND');
    // No coming back, no edits.
    expectError(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: t.admin.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/v1/agents/${a.id}`, { key: t.admin.key }), 404, 'NOT_FOUND');
    expectError(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: t.admin.key, body: { description: 'x' } }), 404, 'NOT_FOUND');
    // Its history is still readable.
    const log = (await agentActivity(h, t.ws.id)).filter((e) => e.target.id === a.id).map((e) => e.action);
    expect(log).toEqual(expect.arrayContaining(['agent.registered', 'agent.approved', 'agent.key_issued', 'agent.key_rotated', 'agent.deleted']));
    // Its name is free again.
    expectOk(await register(h, { workspace: t.ws.slug, name: a.name }), 202);
  });

  const ids = (r: { body: any }) => (r.body.data as { id: string }[]).map((x) => x.id);
});

describe('editing an agent', () => {
  it('the agent edits its own profile; admins may too; members, viewers and peers may not', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const peer = await activeAgent(h, t.admin.key, t.ws.slug);
    const mine = expectOk(
      await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: a.key, body: { description: 'now with tests', capabilities: ['test', 'test', 'code'] } }),
    );
    expect(mine).toMatchObject({ id: a.id, description: 'now with tests', capabilities: ['test', 'code'], version: 3 });
    const byAdmin = expectOk(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: t.admin.key, body: { endpoint: null } }));
    expect(byAdmin).toMatchObject({ endpoint: null, version: 4 });
    for (const key of [t.member.key, t.viewer.key, peer.key]) {
      expectError(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key, body: { description: 'hijacked' } }), 403, 'FORBIDDEN');
    }
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })).description).toBe('now with tests');
    expect((await agentActivity(h, t.ws.id, 'agent.updated')).filter((e) => e.target.id === a.id)).toHaveLength(2);
  });

  it('validates like registration, refuses a taken name (409) and a stale version (409)', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const other = await registerPending(h, t.ws.slug);
    for (const [body, field] of [
      [{ endpoint: 'ftp://x' }, 'endpoint'],
      [{ name: 'has space' }, 'name'],
      [{ capabilities: Array.from({ length: 33 }, (_, i) => `c${i}`) }, 'capabilities'],
      [{ status: 'active' }, 'status'],
    ] as const) {
      const r = await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: a.key, body });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual([field]);
    }
    const dup = await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: a.key, body: { name: other.name.toUpperCase() } });
    expect(expectError(dup, 409, 'CONFLICT').details.issues).toEqual([expect.objectContaining({ field: 'name' })]);

    const current = expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.admin.key })).version as number;
    expectError(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: t.admin.key, body: { description: 'x' }, headers: { 'if-match': String(current - 1) } }), 409, 'CONFLICT');
    expectError(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: t.admin.key, body: { description: 'x', version: current + 1 } }), 409, 'CONFLICT');
    const ok = expectOk(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: t.admin.key, body: { description: 'x' }, headers: { 'if-match': String(current) } }));
    expect(ok.version).toBe(current + 1);
  });
});

describe('the activity log', () => {
  it('records registration, approval, rejection, rotation, deactivation, activation and deletion with their actors', async () => {
    const w = await createTeam(h);
    const a = await activeAgent(h, w.admin.key, w.ws.slug, { name: 'logged' });
    const r = await registerPending(h, w.ws.slug, { name: 'refused' });
    expectOk(await h.call('POST', `/api/v1/agents/${r.id}/reject`, { key: w.owner.key, body: { reason: 'not today' } }));
    const rot = expectOk(await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: a.key, body: { graceSeconds: 60 } }));
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: w.admin.key, body: { graceSeconds: 0 } }));
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: w.admin.key }));
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: w.admin.key }));
    expectOk(await h.call('DELETE', `/api/v1/agents/${a.id}`, { key: w.owner.key }));

    const log = (await agentActivity(h, w.ws.id)).reverse(); // oldest first
    const summary = log.map((e) => [e.action, e.target.id, e.actor.kind, e.actor.id]);
    expect(summary).toEqual([
      ['agent.registered', a.id, 'agent', a.id],
      ['agent.approved', a.id, 'user', w.admin.id],
      ['agent.key_issued', a.id, 'agent', a.id],
      ['agent.registered', r.id, 'agent', r.id],
      ['agent.rejected', r.id, 'user', w.owner.id],
      ['agent.key_rotated', a.id, 'agent', a.id],
      ['agent.key_rotated', a.id, 'user', w.admin.id],
      ['agent.deactivated', a.id, 'user', w.admin.id],
      ['agent.activated', a.id, 'user', w.admin.id],
      ['agent.deleted', a.id, 'user', w.owner.id],
    ]);
    const byAction = (action: string) => log.filter((e) => e.action === action);
    expect(byAction('agent.rejected')[0].metadata).toMatchObject({ reason: 'not today' });
    expect(byAction('agent.key_rotated')[0].metadata).toMatchObject({ graceSeconds: 60, newKeyId: rot.keyId, by: 'self' });
    expect(byAction('agent.key_rotated')[1].metadata).toMatchObject({ graceSeconds: 0, by: 'admin' });
    // Filtering by the agent works too, and no entry carries a secret.
    const mine = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${w.ws.id}&agentId=${a.id}`, { key: w.member.key }));
    expect(mine.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['agent.registered', 'agent.key_issued', 'agent.key_rotated']));
    const text = JSON.stringify(log);
    expect(text).not.toMatch(/mc_agt_[A-Za-z0-9_-]{20}/);
    expect(text).not.toMatch(/mc_reg_[A-Za-z0-9_-]{20}/);
  });
});

describe('registration rate limit', () => {
  let rl: Harness;
  let clock: ManualClock;
  let ws: { id: string; slug: string };
  beforeAll(async () => {
    // A clock that stands still: the five-per-minute window cannot roll over mid-test.
    clock = new ManualClock(new Date('2026-03-02T10:00:05.000Z'));
    rl = await createHarness({ clock, limits: { anonPerMinute: 5 } });
    ws = await createWorkspace(rl, rl.admin.key);
  });
  afterAll(async () => {
    await rl?.close();
  });

  it('a flood from one IP gets 429 with Retry-After; other IPs are unaffected; the window resets', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const flood = '203.0.113.7';
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await register(rl, { workspace: ws.slug, name: agentName('flood') }, from(flood));
      accepted.push(expectOk(r, 202).agentId);
      expect(r.headers.get('x-ratelimit-limit')).toBe('5');
      expect(r.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
    }
    for (let i = 0; i < 3; i++) {
      const r = await register(rl, { workspace: ws.slug, name: agentName('flood') }, from(flood));
      expectError(r, 429, 'RATE_LIMITED');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    }
    // The poll counts against the same per-IP limit.
    expectError(await rl.call('GET', `/api/v1/agents/${accepted[0]}/registration`, { key: 'mc_reg_x', headers: from(flood) }), 429, 'RATE_LIMITED');
    // Exactly five were stored.
    const rows = await rl.database.db.query.agents.findMany({ where: (a, { eq }) => eq(a.registrationIp, flood) });
    expect(rows.map((r) => r.id).sort()).toEqual([...accepted].sort());

    // Another IP is not affected, nor are callers with a key.
    expectOk(await register(rl, { workspace: ws.slug, name: agentName('other') }, from('203.0.113.8')), 202);
    expectOk(await rl.call('GET', `/api/v1/agents?workspaceId=${ws.id}`, { key: rl.admin.key, headers: from(flood) }));

    // Next minute: the flooding IP may register again.
    clock.advance(60_000);
    expectOk(await register(rl, { workspace: ws.slug, name: agentName('later') }, from(flood)), 202);
  });

  it('behind no trusted proxy, a forged X-Forwarded-For does not escape the limit', async () => {
    const direct = await createHarness({ clock, limits: { anonPerMinute: 3 }, trustProxy: false });
    try {
      const dws = await createWorkspace(direct, direct.admin.key);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await register(direct, { workspace: dws.slug, name: agentName('forged') }, { 'x-forwarded-for': `198.51.100.${i + 1}` });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([202, 202, 202, 429, 429]);
      const rows = await direct.database.db.query.agents.findMany({ where: (a, { eq }) => eq(a.workspaceId, dws.id) });
      expect(rows).toHaveLength(3);
      // The forged header is not taken as the registration IP either.
      expect(rows.every((r) => !r.registrationIp?.startsWith('198.51.100.'))).toBe(true);
    } finally {
      await direct.close();
    }
  });
});
