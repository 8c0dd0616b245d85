// The activity log: an entry for each change, filters (workspace, action and action family, actor, time range,
// outcome status, words), paging, and no entry visible outside its workspace.
import { ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPending } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { addMember, expectError, expectOk, issueFields } from './helpers';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();

let h: Harness;
const clock = new ManualClock(T0);
type User = Awaited<ReturnType<Harness['newUser']>>;
let alice: User; // owner of A
let bob: User; // viewer in A, later admin, then leaves
let carol: User; // owner of C, never in A
let dave: User; // member of A, removed at the end
let A: { id: string; slug: string };
let bobInvitation: string;
let daveInvitation: string;
let C: { id: string; slug: string };

async function step(minute: number, fn: () => Promise<unknown>) {
  clock.set(new Date(at(minute)));
  await fn();
}

beforeAll(async () => {
  h = await createHarness({ clock });
  [alice, bob, carol, dave] = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((n) => h.newUser(n)));
  await step(0, async () => {
    A = expectOk(await h.call('POST', '/api/v1/workspaces', { key: alice.key, body: { name: 'Alpha', slug: 'alpha' } }), 201);
  });
  await step(1, async () => expectOk(await h.call('PATCH', `/api/v1/workspaces/${A.id}`, { key: alice.key, body: { mission: 'Ship it' } })));
  await step(2, async () => expectOk(await h.call('PUT', `/api/v1/workspaces/${A.id}/budget`, { key: alice.key, body: { monthlyTokenLimit: 500, hardStop: true } })));
  // Alice shares no workspace with Bob: adding him is an invitation, which he accepts half a minute later.
  await step(3, async () => {
    bobInvitation = expectOk(await h.call('POST', `/api/v1/workspaces/${A.id}/members`, { key: alice.key, body: { email: bob.email, role: 'viewer' } }), 202).invitation.id;
  });
  await step(3.5, async () => expectOk(await h.call('POST', `/api/v1/invitations/${bobInvitation}/accept`, { key: bob.key })));
  await step(4, async () => expectOk(await h.call('PATCH', `/api/v1/workspaces/${A.id}/members/${bob.id}`, { key: alice.key, body: { role: 'admin' } })));
  await step(5, async () => expectOk(await h.call('DELETE', `/api/v1/workspaces/${A.id}`, { key: alice.key })));
  await step(6, async () => expectOk(await h.call('PATCH', `/api/v1/workspaces/${A.id}`, { key: alice.key, body: { archived: false } })));
  await step(7, async () => {
    C = expectOk(await h.call('POST', '/api/v1/workspaces', { key: carol.key, body: { name: 'Charlie', slug: 'charlie', mission: 'secret' } }), 201);
  });
  await step(8, async () => expectOk(await h.call('PATCH', `/api/v1/workspaces/${C.id}`, { key: carol.key, body: { name: 'Charlie budget plans' } })));
  await step(9, async () => {
    daveInvitation = expectOk(await h.call('POST', `/api/v1/workspaces/${A.id}/members`, { key: bob.key, body: { email: dave.email } }), 202).invitation.id;
  });
  await step(9.5, async () => expectOk(await h.call('POST', `/api/v1/invitations/${daveInvitation}/accept`, { key: dave.key })));
  await step(10, async () => expectOk(await h.call('PATCH', `/api/v1/workspaces/${A.id}`, { key: bob.key, body: { name: 'Alpha budget team' } })));
  await step(11, async () => expectOk(await h.call('DELETE', `/api/v1/workspaces/${A.id}/members/${bob.id}`, { key: bob.key })));
  await step(12, async () => expectOk(await h.call('DELETE', `/api/v1/workspaces/${A.id}/members/${dave.id}`, { key: alice.key })));
  clock.set(new Date(at(20)));
});
afterAll(async () => {
  await h?.close();
});

async function list(query: string, key = h.admin.key) {
  return expectOk(await h.call('GET', `/api/v1/activity?limit=200&${query}`, { key })) as any[];
}

describe('an entry for each change', () => {
  it('records every change of workspace A, in order, with actor, target and time', async () => {
    const entries = await list(`workspaceId=${A.id}&sort=createdAt`);
    expect(entries.map((e) => [e.createdAt, e.action, e.actor.name, e.target.id])).toEqual([
      [at(0), 'workspace.created', 'Alice', A.id],
      [at(1), 'workspace.updated', 'Alice', A.id],
      [at(2), 'workspace.budget_changed', 'Alice', A.id],
      [at(3), 'member.invited', 'Alice', bobInvitation],
      [at(3.5), 'member.joined', 'Bob', bob.id],
      [at(4), 'member.role_changed', 'Alice', bob.id],
      [at(5), 'workspace.archived', 'Alice', A.id],
      [at(6), 'workspace.restored', 'Alice', A.id],
      [at(9), 'member.invited', 'Bob', daveInvitation],
      [at(9.5), 'member.joined', 'Dave', dave.id],
      [at(10), 'workspace.updated', 'Bob', A.id],
      [at(11), 'member.left', 'Bob', bob.id],
      [at(12), 'member.removed', 'Alice', dave.id],
    ]);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['action', 'actor', 'createdAt', 'id', 'metadata', 'requestId', 'status', 'summary', 'target', 'workspaceId']);
      expect(e.workspaceId).toBe(A.id);
      expect(e.id).toMatch(/^act_/);
      expect(e.actor.kind).toBe('user');
      expect(e.requestId).toEqual(expect.any(String));
    }
    expect(entries[1].metadata).toEqual({ changes: { mission: 'Ship it' } });
    expect(entries[5].metadata).toEqual({ from: 'viewer', to: 'admin' });
  });

  it('is newest first by default', async () => {
    const entries = await list(`workspaceId=${A.id}`);
    expect(entries[0].action).toBe('member.removed');
    expect(entries.at(-1).action).toBe('workspace.created');
  });
});

describe('filters', () => {
  it('workspaceId takes an id or a slug', async () => {
    expect((await list('workspaceId=alpha')).map((e) => e.id)).toEqual((await list(`workspaceId=${A.id}`)).map((e) => e.id));
  });

  it('action: exact, and the workspace.* family', async () => {
    expect((await list(`workspaceId=${A.id}&action=workspace.updated`)).map((e) => e.createdAt)).toEqual([at(10), at(1)]);
    const family = await list(`workspaceId=${A.id}&action=workspace.*&sort=createdAt`);
    expect(family.map((e) => e.action)).toEqual([
      'workspace.created',
      'workspace.updated',
      'workspace.budget_changed',
      'workspace.archived',
      'workspace.restored',
      'workspace.updated',
    ]);
    const members = await list(`workspaceId=${A.id}&action=member.*`);
    expect(new Set(members.map((e) => e.action))).toEqual(new Set(['member.invited', 'member.joined', 'member.role_changed', 'member.left', 'member.removed']));
    // A family is a prefix up to the dot, not a substring: `workspace` alone matches nothing.
    expect(await list(`workspaceId=${A.id}&action=workspace`)).toEqual([]);
    // `_` and `%` are not wildcards.
    expect(await list('action=workspace_%')).toEqual([]);
  });

  it('actorId (and agentId as its alias)', async () => {
    const bobs = await list(`workspaceId=${A.id}&actorId=${bob.id}&sort=createdAt`);
    expect(bobs.map((e) => e.action)).toEqual(['member.joined', 'member.invited', 'workspace.updated', 'member.left']);
    expect((await list(`workspaceId=${A.id}&agentId=${bob.id}&sort=createdAt`)).map((e) => e.id)).toEqual(bobs.map((e) => e.id));
    // Without a workspace, Bob's instance-level entries (his API key) come along for an instance admin.
    expect((await list(`actorId=${bob.id}`)).map((e) => e.action).sort()).toEqual(['api_key.created', 'member.invited', 'member.joined', 'member.left', 'workspace.updated']);
  });

  it('from (inclusive) and to (exclusive)', async () => {
    const r = await list(`workspaceId=${A.id}&from=${at(1)}&to=${at(4)}&sort=createdAt`);
    expect(r.map((e) => e.action)).toEqual(['workspace.updated', 'workspace.budget_changed', 'member.invited', 'member.joined']);
    const offset = await list(`workspaceId=${A.id}&from=${encodeURIComponent('2026-05-01T12:11:00+02:00')}`);
    expect(offset.map((e) => e.createdAt)).toEqual([at(12), at(11)]);
  });

  it('q: case-insensitive text in summary, actor or action', async () => {
    const budget = await list('q=BUDGET');
    expect(budget.map((e) => [e.workspaceId, e.action])).toEqual([[A.id, 'workspace.budget_changed']]);
    // By actor name: everything Carol did.
    const carols = await list('q=cArOl');
    expect(carols.length).toBeGreaterThan(0);
    for (const e of carols) expect(e.actor.name === 'Carol' || /carol/i.test(e.summary)).toBe(true);
    expect(carols.map((e) => e.action)).toEqual(expect.arrayContaining(['workspace.created', 'workspace.updated']));
    // By action text.
    expect((await list(`workspaceId=${A.id}&q=role_changed`)).map((e) => e.action)).toEqual(['member.role_changed']);
  });

  it('filters combine', async () => {
    const r = await list(`workspaceId=${A.id}&action=workspace.*&actorId=${alice.id}&from=${at(2)}&to=${at(10)}&q=workspace`);
    expect(r.map((e) => e.action)).toEqual(['workspace.restored', 'workspace.archived', 'workspace.budget_changed']);
  });

  it('refuses from after to, and malformed dates, naming the field', async () => {
    const r = await h.call('GET', `/api/v1/activity?from=${at(5)}&to=${at(1)}`, { key: h.admin.key });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['from']);
    const bad = await h.call('GET', '/api/v1/activity?to=yesterday', { key: h.admin.key });
    expect(issueFields(bad)).toEqual(['to']);
  });
});

describe('visibility', () => {
  it('a member sees only entries of their workspaces; never instance-level entries', async () => {
    const aliceView = await list('', alice.key);
    expect(aliceView.length).toBeGreaterThan(0);
    expect(new Set(aliceView.map((e) => e.workspaceId))).toEqual(new Set([A.id]));
    const carolView = await list('', carol.key);
    expect(new Set(carolView.map((e) => e.workspaceId))).toEqual(new Set([C.id]));
    expect(JSON.stringify(aliceView)).not.toContain('secret');
    expect(JSON.stringify(aliceView)).not.toContain(C.id);
  });

  it("another workspace's log is 404 by id or slug, even filtered", async () => {
    expectError(await h.call('GET', `/api/v1/activity?workspaceId=${C.id}`, { key: alice.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', '/api/v1/activity?workspaceId=charlie&action=workspace.*', { key: alice.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', '/api/v1/activity?workspaceId=wsp_unknown', { key: alice.key }), 404, 'NOT_FOUND');
    // Filtering by the other workspace's target or actor finds nothing.
    expect(await list(`targetId=${C.id}`, alice.key)).toEqual([]);
    expect(await list(`actorId=${carol.id}`, alice.key)).toEqual([]);
  });

  it('members who left or were removed no longer see it', async () => {
    expect(await list('', bob.key)).toEqual([]);
    expect(await list('', dave.key)).toEqual([]);
    expectError(await h.call('GET', `/api/v1/activity?workspaceId=${A.id}`, { key: dave.key }), 404, 'NOT_FOUND');
  });

  it('an instance admin sees every workspace and instance-level entries', async () => {
    const all = await list('');
    const ws = new Set(all.map((e) => e.workspaceId));
    expect(ws.has(A.id)).toBe(true);
    expect(ws.has(C.id)).toBe(true);
    expect(ws.has(null)).toBe(true);
    expect(all.filter((e) => e.action === 'user.created').map((e) => e.target.id)).toEqual(expect.arrayContaining([alice.id, bob.id, carol.id, dave.id]));
  });

  it('needs a caller', async () => {
    expectError(await h.call('GET', '/api/v1/activity'), 401, 'UNAUTHENTICATED');
  });
});

describe('paging', () => {
  it('walks the log with a cursor, each entry once, in order', async () => {
    const full = await list(`workspaceId=${A.id}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/activity?workspaceId=${A.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await h.call('GET', q, { key: alice.key });
      expectOk(r);
      expect(r.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.data.map((e: any) => e.id));
      cursor = r.body.meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual(full.map((e) => e.id));
  });

  it('refuses unknown sort fields', async () => {
    const r = await h.call('GET', '/api/v1/activity?sort=action', { key: alice.key });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['sort']);
  });
});

describe('status and word search', () => {
  // Two more workspaces whose agents share words: S (Sam) and T (Tom). Uma is a member of S only, Val of both.
  let sam: User, tom: User, uma: User, val: User;
  let S: { id: string }, T: { id: string };
  const agents: Record<string, { id: string; name: string }> = {};

  beforeAll(async () => {
    [sam, tom, uma, val] = await Promise.all(['Sam', 'Tom', 'Uma', 'Val'].map((n) => h.newUser(n)));
    clock.set(new Date(at(30)));
    S = expectOk(await h.call('POST', '/api/v1/workspaces', { key: sam.key, body: { name: 'Sierra', slug: 'sierra' } }), 201);
    T = expectOk(await h.call('POST', '/api/v1/workspaces', { key: tom.key, body: { name: 'Tango', slug: 'tango' } }), 201);
    await addMember(h, sam.key, S.id, uma.email, 'member');
    await addMember(h, sam.key, S.id, val.email, 'viewer');
    await addMember(h, tom.key, T.id, val.email, 'viewer');
    let minute = 31;
    const reg = async (key: string, ws: string, name: string) => {
      clock.set(new Date(at(minute++)));
      agents[name] = { id: (await registerPending(h, ws, { name })).id, name };
    };
    const act = async (key: string, path: string, body?: unknown) => {
      clock.set(new Date(at(minute++)));
      expectOk(await h.call('POST', path, { key, body }));
    };
    await reg(sam.key, S.id, 'narwhal-scout');
    await reg(sam.key, S.id, 'narwhal-coder');
    await reg(sam.key, S.id, 'quokka-tester');
    await reg(tom.key, T.id, 'narwhal-spy');
    await act(sam.key, `/api/v1/agents/${agents['narwhal-scout'].id}/approve`);
    await act(sam.key, `/api/v1/agents/${agents['narwhal-coder'].id}/reject`, { reason: 'duplicate of the scout' });
    await act(sam.key, `/api/v1/agents/${agents['quokka-tester'].id}/approve`);
    await act(sam.key, `/api/v1/agents/${agents['quokka-tester'].id}/deactivate`);
    await act(tom.key, `/api/v1/agents/${agents['narwhal-spy'].id}/approve`);
    clock.set(new Date(at(60)));
  });

  it('status is the outcome where the action has one, null otherwise', async () => {
    const entries = await list(`workspaceId=${S.id}&action=agent.*&sort=createdAt`);
    expect(entries.map((e) => [e.action, e.status])).toEqual([
      ['agent.registered', null],
      ['agent.registered', null],
      ['agent.registered', null],
      ['agent.approved', 'active'],
      ['agent.rejected', 'rejected'],
      ['agent.approved', 'active'],
      ['agent.deactivated', 'deactivated'],
    ]);
  });

  it('?status= filters by it, alone and combined', async () => {
    expect((await list(`workspaceId=${S.id}&status=rejected`)).map((e) => e.target.id)).toEqual([agents['narwhal-coder'].id]);
    expect((await list(`workspaceId=${S.id}&status=active&sort=createdAt`)).map((e) => e.target.id)).toEqual([
      agents['narwhal-scout'].id,
      agents['quokka-tester'].id,
    ]);
    // Across workspaces for an instance admin; one workspace's entries for its members.
    expect(new Set((await list('status=active&action=agent.approved')).map((e) => e.workspaceId))).toEqual(new Set([S.id, T.id]));
    expect(new Set((await list('status=active', uma.key)).map((e) => e.workspaceId))).toEqual(new Set([S.id]));
    expect((await list('status=active', val.key)).map((e) => e.target.id).sort()).toEqual(
      [agents['narwhal-scout'].id, agents['quokka-tester'].id, agents['narwhal-spy'].id].sort(),
    );
    expect(await list(`workspaceId=${S.id}&status=no_such_status`)).toEqual([]);
    expect(await list(`workspaceId=${S.id}&status=active&action=agent.rejected`)).toEqual([]);
  });

  it('q: every word required, whole or `word*` as a prefix, case-insensitive, in summary, actor or action', async () => {
    // Registrations are the agents' own entries (actor name), the decisions name them in the summary.
    const narwhals = await list(`workspaceId=${S.id}&q=NARWH*&sort=createdAt`);
    const [scout, coder] = [agents['narwhal-scout'].id, agents['narwhal-coder'].id];
    expect(narwhals.map((e) => [e.action, e.target.id])).toEqual([
      ['agent.registered', scout],
      ['agent.registered', coder],
      ['agent.approved', scout],
      ['agent.rejected', coder],
    ]);
    expect(narwhals[0].actor.name).toBe('narwhal-scout');
    expect(narwhals[3].summary).toContain('narwhal-coder');
    // A word without a star is a whole word.
    expect(await list(`workspaceId=${S.id}&q=narwh`)).toEqual([]);
    // All words must match (AND), in any order; any of them may be a prefix.
    expect((await list(`workspaceId=${S.id}&q=${encodeURIComponent('rejected narwh*')}`)).map((e) => e.action)).toEqual(['agent.rejected']);
    expect((await list(`workspaceId=${S.id}&q=${encodeURIComponent('rejec* narwhal')}`)).map((e) => e.action)).toEqual(['agent.rejected']);
    expect((await list(`workspaceId=${S.id}&q=${encodeURIComponent('narwhal rejected duplicate sco*')}`)).map((e) => e.action)).toEqual(['agent.rejected']);
    expect(await list(`workspaceId=${S.id}&q=${encodeURIComponent('rejec narwhal')}`)).toEqual([]);
    expect(await list(`workspaceId=${S.id}&q=${encodeURIComponent('quokka rejected')}`)).toEqual([]);
    // A word is matched from its start, not inside it.
    expect(await list(`workspaceId=${S.id}&q=arwhal`)).toEqual([]);
    expect(await list(`workspaceId=${S.id}&q=arwhal*`)).toEqual([]);
    // A prefix shorter than three characters is a whole word (it would expand to most of the index).
    expect(await list(`workspaceId=${S.id}&q=na*`)).toEqual([]);
    // The action's words, and the actor's name.
    expect((await list(`workspaceId=${S.id}&q=deactivated`)).map((e) => e.action)).toEqual(['agent.deactivated']);
    expect((await list(`workspaceId=${S.id}&q=sam&action=agent.*`)).map((e) => e.actor.name)).toEqual(['Sam', 'Sam', 'Sam', 'Sam']);
  });

  it('q: search syntax in the input only separates words; nothing searchable means no text filter', async () => {
    const plain = await list(`workspaceId=${S.id}&q=${encodeURIComponent('narwhal rejected')}`);
    expect(plain).toHaveLength(1);
    for (const q of ["narwhal & | ! ( ) rejected", "narwhal:* <-> !rejected", "'narwhal' \"rejected\"", 'narwhal\\ rejected:*', 'narwhal|rejected', '(narwhal)&(rejected)']) {
      expect((await list(`workspaceId=${S.id}&q=${encodeURIComponent(q)}`)).map((e) => e.id), q).toEqual(plain.map((e) => e.id));
    }
    const all = await list(`workspaceId=${S.id}`);
    for (const q of ['!', "'", '&|', '<->', '%', '_', '***', ':*', '\\', ' ']) {
      const r = await h.call('GET', `/api/v1/activity?workspaceId=${S.id}&limit=200&q=${encodeURIComponent(q)}`, { key: h.admin.key });
      expect(r.status, q).toBe(200);
      expect(r.body.data.map((e: any) => e.id), q).toEqual(all.map((e) => e.id));
    }
    // LIKE wildcards are plain characters, not patterns.
    expect(await list(`workspaceId=${S.id}&q=${encodeURIComponent('narwhal%')}`)).toHaveLength(4);
    expect(await list(`workspaceId=${S.id}&q=${encodeURIComponent('n%wh')}`)).toEqual([]);
  });

  it("q never finds another workspace's entries", async () => {
    const admins = await list('q=narwhal');
    expect(new Set(admins.map((e) => e.workspaceId))).toEqual(new Set([S.id, T.id]));
    for (const key of [sam.key, uma.key]) {
      const mine = await list('q=narwhal', key);
      expect(mine.length).toBe(4);
      expect(new Set(mine.map((e) => e.workspaceId))).toEqual(new Set([S.id]));
      expect(JSON.stringify(mine)).not.toContain('narwhal-spy');
    }
    expect((await list('q=narwhal', tom.key)).map((e) => e.target.id)).toEqual([agents['narwhal-spy'].id, agents['narwhal-spy'].id]);
    expect(await list('q=narwhal', alice.key)).toEqual([]);
    expectError(await h.call('GET', `/api/v1/activity?workspaceId=${T.id}&q=narwhal`, { key: uma.key }), 404, 'NOT_FOUND');
    // Val belongs to both.
    expect(new Set((await list('q=narwhal', val.key)).map((e) => e.workspaceId))).toEqual(new Set([S.id, T.id]));
  });

  it('a member of several workspaces sees them merged newest first, and pages through them once each', async () => {
    const merged = await list('', val.key);
    expect(new Set(merged.map((e) => e.workspaceId))).toEqual(new Set([S.id, T.id]));
    const expected = [...(await list(`workspaceId=${S.id}`)), ...(await list(`workspaceId=${T.id}`))]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((e) => e.id);
    expect(merged.map((e) => e.id)).toEqual(expected);
    for (const filter of ['', 'action=agent.*', 'status=active', 'sort=createdAt']) {
      const full = (await list(filter, val.key)).map((e) => e.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await h.call('GET', `/api/v1/activity?limit=3&${filter}${cursor ? `&cursor=${cursor}` : ''}`, { key: val.key });
        expectOk(r);
        seen.push(...r.body.data.map((e: any) => e.id));
        cursor = r.body.meta.nextCursor;
      } while (cursor);
      expect(seen, filter).toEqual(full);
      const byOffset: string[] = [];
      for (let offset = 0; offset < full.length; offset += 4) {
        byOffset.push(...(expectOk(await h.call('GET', `/api/v1/activity?limit=4&offset=${offset}&${filter}`, { key: val.key })) as any[]).map((e) => e.id));
      }
      expect(byOffset, filter).toEqual(full);
    }
  });

  it('never ships the search vector', async () => {
    const r = await h.call('GET', `/api/v1/activity?workspaceId=${S.id}&q=narwhal`, { key: sam.key });
    expectOk(r);
    expect(JSON.stringify(r.body)).not.toMatch(/'narwhal/);
    for (const e of r.body.data) expect(e).not.toHaveProperty('search');
  });
});
