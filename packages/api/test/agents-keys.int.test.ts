// Agent keys over time (issue #3), on a clock the test moves: rotation with a grace period (the old key works
// inside it and is 401 after it; a second rotation during a grace never extends it), who may rotate, the bounds
// of graceSeconds, and heartbeat liveness (online ≤ 2 min, idle ≤ 15 min, else offline).
import { ManualClock, sha256 } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, agentActivity, createTeam, keyRows, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
let clock: ManualClock;
let t: Team;

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-02-01T09:00:00.000Z'));
  h = await createHarness({ clock });
  t = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

const me = (key: string) => h.call('GET', '/api/v1/agents/me', { key });
const rotate = (id: string, key: string, body?: unknown) => h.call('POST', `/api/v1/agents/${id}/rotate-key`, { key, body });

async function works(key: string) {
  const r = await me(key);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}
async function refused(key: string) {
  expectError(await me(key), 401, 'UNAUTHENTICATED');
}

describe('rotation', () => {
  it('the agent rotates its own key; the old key works for 24 h by default, then 401', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const t0 = clock.now();
    const r = expectOk(await rotate(a.id, a.key, {}));
    expect(r).toEqual({
      agentId: a.id,
      apiKey: expect.stringMatching(/^mc_agt_[A-Za-z0-9_-]{43}$/),
      keyId: expect.any(String),
      previousKeyExpiresAt: new Date(t0.getTime() + 24 * HOUR).toISOString(),
      graceSeconds: 86_400,
    });
    expect(r.apiKey).not.toBe(a.key);
    const rows = await keyRows(h, a.id);
    expect(rows).toHaveLength(2);
    const oldRow = rows.find((k) => k.keyHash === sha256(a.key))!;
    const newRow = rows.find((k) => k.keyHash === sha256(r.apiKey))!;
    expect(oldRow.expiresAt?.toISOString()).toBe(r.previousKeyExpiresAt);
    expect(newRow).toMatchObject({ id: r.keyId, expiresAt: null, revokedAt: null });
    expect(JSON.stringify(rows)).not.toContain(r.apiKey);

    await works(a.key);
    await works(r.apiKey);
    clock.advance(24 * HOUR - S);
    await works(a.key);
    clock.advance(S);
    await refused(a.key);
    await refused(a.key);
    await works(r.apiKey);
    clock.advance(30 * 24 * HOUR);
    await works(r.apiKey);
  });

  it('a body-less rotation uses the defaults', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const r = await h.call('POST', `/api/v1/agents/${a.id}/rotate-key`, { key: a.key });
    expect(expectOk(r)).toMatchObject({ graceSeconds: 86_400, previousKeyExpiresAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString() });
  });

  it('an admin rotates with a chosen grace; graceSeconds 0 stops the old key at once', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const r1 = expectOk(await rotate(a.id, t.admin.key, { graceSeconds: 90 }));
    expect(r1.previousKeyExpiresAt).toBe(new Date(clock.now().getTime() + 90 * S).toISOString());
    clock.advance(89 * S);
    await works(a.key);
    clock.advance(S);
    await refused(a.key);

    const r2 = expectOk(await rotate(a.id, t.owner.key, { graceSeconds: 0 }));
    await refused(r1.apiKey);
    await works(r2.apiKey);
    // The key that was refused earlier stays refused.
    await refused(a.key);
  });

  it('rotating again during a grace never extends it: keys in grace keep the earlier expiry', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const t0 = clock.now().getTime();
    // k0 → grace 1 h.
    const r1 = expectOk(await rotate(a.id, a.key, { graceSeconds: 3600 }));
    clock.advance(10 * MIN);
    // k1 → grace 2 h: k0 keeps t0+1h (earlier than t0+10min+2h), k1 gets t0+10min+2h.
    const r2 = expectOk(await rotate(a.id, r1.apiKey, { graceSeconds: 7200 }));
    expect(r2.previousKeyExpiresAt).toBe(new Date(t0 + 10 * MIN + 2 * HOUR).toISOString());
    const exp = async () =>
      Object.fromEntries((await keyRows(h, a.id)).map((k) => [k.keyHash, k.expiresAt?.toISOString() ?? null])) as Record<string, string | null>;
    expect(await exp()).toEqual({
      [sha256(a.key)]: new Date(t0 + HOUR).toISOString(),
      [sha256(r1.apiKey)]: new Date(t0 + 10 * MIN + 2 * HOUR).toISOString(),
      [sha256(r2.apiKey)]: null,
    });
    for (const k of [a.key, r1.apiKey, r2.apiKey]) await works(k);

    clock.set(new Date(t0 + HOUR));
    await refused(a.key);
    await works(r1.apiKey);
    await works(r2.apiKey);

    // k2 → grace 5 min: k1 is cut short to now+5min (earlier than its own expiry); k0 stays as it was.
    clock.set(new Date(t0 + HOUR + 5 * MIN));
    const r3 = expectOk(await rotate(a.id, t.admin.key, { graceSeconds: 300 }));
    expect(await exp()).toEqual({
      [sha256(a.key)]: new Date(t0 + HOUR).toISOString(),
      [sha256(r1.apiKey)]: new Date(t0 + HOUR + 10 * MIN).toISOString(),
      [sha256(r2.apiKey)]: new Date(t0 + HOUR + 10 * MIN).toISOString(),
      [sha256(r3.apiKey)]: null,
    });
    clock.set(new Date(t0 + HOUR + 10 * MIN - 1));
    for (const k of [r1.apiKey, r2.apiKey, r3.apiKey]) await works(k);
    clock.set(new Date(t0 + HOUR + 10 * MIN));
    for (const k of [a.key, r1.apiKey, r2.apiKey]) await refused(k);
    await works(r3.apiKey);
    // Each rotation added exactly one key, and each is in the log.
    expect(await keyRows(h, a.id)).toHaveLength(4);
    const log = (await agentActivity(h, t.ws.id, 'agent.key_rotated')).filter((e) => e.target.id === a.id);
    expect(log).toHaveLength(3);
  });

  it('racing rotations each add one key and leave one key without an expiry', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const results = await Promise.all([rotate(a.id, a.key, { graceSeconds: 600 }), rotate(a.id, t.admin.key, { graceSeconds: 600 })]);
    const keys = results.map((r) => expectOk(r).apiKey as string);
    const rows = await keyRows(h, a.id);
    expect(rows).toHaveLength(3);
    expect(rows.filter((k) => k.expiresAt === null)).toHaveLength(1);
    // The later rotation's key is the one without expiry; both new keys work now.
    for (const k of keys) await works(k);
  });

  it('graceSeconds outside 0..604800 (or not an integer) is 400 naming graceSeconds', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    for (const graceSeconds of [-1, 604_801, 1.5, '60', null, 1e12]) {
      const r = await rotate(a.id, a.key, { graceSeconds });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r), String(graceSeconds)).toEqual(['graceSeconds']);
    }
    const unknown = await rotate(a.id, a.key, { grace: 60 });
    expectError(unknown, 400, 'VALIDATION_ERROR');
    expect(issueFields(unknown)).toEqual(['grace']);
    expect(await keyRows(h, a.id)).toHaveLength(1);
    // The bounds themselves are fine.
    expect(expectOk(await rotate(a.id, a.key, { graceSeconds: 604_800 })).graceSeconds).toBe(604_800);
  });

  it('a member or viewer rotating another agent’s key is 403; another workspace’s agent is 404; pending is 409', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const peer = await activeAgent(h, t.admin.key, t.ws.slug);
    expectError(await rotate(a.id, t.member.key, {}), 403, 'FORBIDDEN');
    expectError(await rotate(a.id, t.viewer.key, {}), 403, 'FORBIDDEN');
    // Another agent of the same workspace is not an admin either.
    expectError(await rotate(a.id, peer.key, {}), 403, 'FORBIDDEN');

    const b = await createTeam(h);
    const bAgent = await activeAgent(h, b.admin.key, b.ws.slug);
    expectError(await rotate(a.id, b.owner.key, {}), 404, 'NOT_FOUND');
    expectError(await rotate(a.id, bAgent.key, {}), 404, 'NOT_FOUND');
    expectError(await rotate(bAgent.id, a.key, {}), 404, 'NOT_FOUND');

    const p = await registerPending(h, t.ws.slug);
    expectError(await rotate(p.id, t.admin.key, {}), 409, 'CONFLICT');
    expect(await keyRows(h, p.id)).toEqual([]);

    expect(await keyRows(h, a.id)).toHaveLength(1);
    await works(a.key);
  });

  it('a rotation before the first poll counts as the handover: the poll never issues a second key', async () => {
    const p = await registerPending(h, t.ws.slug);
    expectOk(await h.call('POST', `/api/v1/agents/${p.id}/approve`, { key: t.admin.key }));
    const r = expectOk(await rotate(p.id, t.admin.key, {}));
    const reg = expectOk(await h.call('GET', `/api/v1/agents/${p.id}/registration`, { key: p.secret }));
    expect(reg).toMatchObject({ status: 'active', apiKey: null, keyDelivery: 'rotation' });
    expect(await keyRows(h, p.id)).toHaveLength(1);
    await works(r.apiKey);
  });
});

describe('heartbeat and liveness', () => {
  it('records last-seen; online up to 2 min, idle up to 15 min, then offline', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    // Not seen yet: the poll does not count, nor does approval.
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key }))).toMatchObject({ liveness: 'offline', lastSeenAt: null });

    const beat = clock.now();
    const hb = expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    expect(hb).toMatchObject({ agentId: a.id, lastSeenAt: beat.toISOString(), liveness: 'online', serverTime: beat.toISOString() });
    const [row] = await h.database.db.query.agents.findMany({ where: (x, { eq }) => eq(x.id, a.id) });
    expect(row.lastSeenAt?.toISOString()).toBe(beat.toISOString());
    await h.deps.keyUsage.flush();

    // Observed by a person, so that the observation itself does not count as the agent being seen.
    const look = async () => expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })) as { liveness: string; lastSeenAt: string };
    const listed = async () => {
      const r = await h.call('GET', `/api/v1/agents?workspaceId=${t.ws.id}&limit=200`, { key: t.member.key });
      return (expectOk(r) as { id: string; liveness: string }[]).find((x) => x.id === a.id)!.liveness;
    };
    const steps: [number, string][] = [
      [0, 'online'],
      [2 * MIN, 'online'],
      [2 * MIN + 1, 'idle'],
      [15 * MIN, 'idle'],
      [15 * MIN + 1, 'offline'],
      [3 * 24 * HOUR, 'offline'],
    ];
    for (const [after, liveness] of steps) {
      clock.set(new Date(beat.getTime() + after));
      const seen = await look();
      expect(seen.liveness, `${after} ms after the heartbeat`).toBe(liveness);
      expect(seen.lastSeenAt).toBe(beat.toISOString());
      expect(await listed()).toBe(liveness);
    }

    // A new heartbeat brings it back online.
    const again = clock.now();
    expect(expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key })).lastSeenAt).toBe(again.toISOString());
    await h.deps.keyUsage.flush();
    expect(await look()).toMatchObject({ liveness: 'online', lastSeenAt: again.toISOString() });
  });

  it('any authenticated call counts as being seen (key last use); a deactivated agent is offline', async () => {
    const a = await activeAgent(h, t.admin.key, t.ws.slug);
    const at = clock.now();
    expectOk(await h.call('GET', '/api/v1/agents', { key: a.key }));
    await h.deps.keyUsage.flush();
    const [k] = await keyRows(h, a.id);
    expect(k.lastUsedAt?.toISOString()).toBe(at.toISOString());
    clock.advance(MIN);
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key }))).toMatchObject({ liveness: 'online', lastSeenAt: at.toISOString() });
    clock.advance(5 * MIN);
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })).liveness).toBe('idle');

    expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: t.admin.key }));
    expect(expectOk(await h.call('GET', `/api/v1/agents/${a.id}`, { key: t.member.key })).liveness).toBe('offline');
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }), 401, 'UNAUTHENTICATED');
  });

  it('the heartbeat is for agents only', async () => {
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: t.admin.key }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat'), 401, 'UNAUTHENTICATED');
    const ws = await createWorkspace(h, t.owner.key);
    const p = await registerPending(h, ws.slug);
    expectError(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: p.secret }), 401, 'UNAUTHENTICATED');
  });
});
