// Workspaces: create, list (yours; all for an instance admin), get by id or slug, edit with optimistic
// concurrency, archive/restore, budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
type User = Awaited<ReturnType<Harness['newUser']>>;
let owner: User;
let admin: User; // workspace admin, not instance admin
let member: User;
let viewer: User;
let outsider: User;

beforeAll(async () => {
  h = await createHarness();
  [owner, admin, member, viewer, outsider] = await Promise.all(['Owner', 'Wadmin', 'Member', 'Viewer', 'Outsider'].map((n) => h.newUser(n)));
});
afterAll(async () => {
  await h?.close();
});

/** A workspace of `owner` with an admin, a member and a viewer. */
async function team() {
  const ws = await createWorkspace(h, owner.key);
  await addMember(h, owner.key, ws.id, admin.email, 'admin');
  await addMember(h, owner.key, ws.id, member.email, 'member');
  await addMember(h, owner.key, ws.id, viewer.email, 'viewer');
  return ws;
}

async function activityOf(wsId: string, action: string) {
  return expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${wsId}&action=${action}`, { key: h.admin.key })) as any[];
}

describe('create', () => {
  it('creates a workspace with defaults; the creator becomes its owner; it is logged', async () => {
    const slug = uniq('create');
    const r = await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: '  Growth  ', slug } });
    const ws = expectOk(r, 201);
    // Field lists are the minimum (API.md); internal columns never leave.
    expect(ws).not.toHaveProperty('createdBy');
    expect(ws).not.toHaveProperty('monthlyTokenLimit');
    expect(ws).toMatchObject({
      id: expect.stringMatching(/^wsp_/),
      slug,
      name: 'Growth',
      mission: '',
      emoji: '🚀',
      color: '#6366f1',
      budget: { monthlyTokenLimit: null, monthlyCostLimitUsd: null, hardStop: false },
      archived: false,
      archivedAt: null,
      isDefault: false,
      role: 'owner',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      version: 1,
    });
    const members = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}/members`, { key: owner.key }));
    expect(members).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);
    const log = await activityOf(ws.id, 'workspace.created');
    expect(log).toEqual([expect.objectContaining({ actor: { kind: 'user', id: owner.id, name: 'Owner' }, target: { kind: 'workspace', id: ws.id } })]);
  });

  it('takes mission, emoji and color', async () => {
    const ws = expectOk(
      await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: 'Ops', slug: uniq('ops'), mission: 'Keep it running', emoji: '🛠️', color: '#22AA55' } }),
      201,
    );
    expect(ws).toMatchObject({ mission: 'Keep it running', emoji: '🛠️', color: '#22AA55' });
  });

  it('refuses a taken slug with 409 naming slug, and bad input with 400 naming the fields', async () => {
    const ws = await createWorkspace(h, owner.key);
    const dup = await h.call('POST', '/api/v1/workspaces', { key: outsider.key, body: { name: 'Dup', slug: ws.slug } });
    expectError(dup, 409, 'CONFLICT');
    expect(issueFields(dup)).toEqual(['slug']);
    const bad = await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: '', slug: 'a', color: 'red', emoji: '' } });
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(issueFields(bad).sort()).toEqual(['color', 'emoji', 'name', 'slug']);
    for (const slug of ['-lead', 'trail-', 'dou--ble', 'UPPER', 'a'.repeat(49), 'sp ace']) {
      expect(issueFields(await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: 'x', slug } }))).toEqual(['slug']);
    }
  });
});

describe('list and read', () => {
  it('a user sees only their workspaces; an instance admin sees all (role null where not a member)', async () => {
    const mine = await createWorkspace(h, outsider.key);
    const theirs = await createWorkspace(h, owner.key);
    const outsiderList = expectOk(await h.call('GET', '/api/v1/workspaces?limit=200', { key: outsider.key }));
    const ids = outsiderList.map((w: any) => w.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    for (const w of outsiderList) expect(w.role).not.toBeNull();

    const all = expectOk(await h.call('GET', '/api/v1/workspaces?limit=200', { key: h.admin.key }));
    const rows = await h.database.db.query.workspaces.findMany({ where: (w, { isNull }) => isNull(w.archivedAt) });
    expect(all.map((w: any) => w.id).sort()).toEqual(rows.map((w) => w.id).sort());
    expect(all.find((w: any) => w.id === theirs.id).role).toBeNull();
  });

  it('gets a workspace by id and by slug; members of any role can read it', async () => {
    const ws = await team();
    for (const [u, role] of [[owner, 'owner'], [admin, 'admin'], [member, 'member'], [viewer, 'viewer']] as const) {
      expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: u.key }))).toMatchObject({ id: ws.id, role });
      expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.slug}`, { key: u.key })).id).toBe(ws.id);
    }
  });

  it('a workspace you are not in is 404, exactly like one that does not exist (by id and by slug)', async () => {
    const ws = await createWorkspace(h, owner.key);
    const byId = expectError(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
    const bySlug = expectError(await h.call('GET', `/api/v1/workspaces/${ws.slug}`, { key: outsider.key }), 404, 'NOT_FOUND');
    const missing = expectError(await h.call('GET', '/api/v1/workspaces/wsp_00000000000000000000000000', { key: outsider.key }), 404, 'NOT_FOUND');
    expect(byId.message).toBe(missing.message);
    expect(bySlug.message).toBe(missing.message);
    // The instance admin can read it without being a member.
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: h.admin.key })).role).toBeNull();
  });

  it('filters by q (name or slug)', async () => {
    const tag = uniq('needle');
    const a = expectOk(await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: `Find ${tag}`, slug: uniq('find') } }), 201);
    const b = expectOk(await h.call('POST', '/api/v1/workspaces', { key: owner.key, body: { name: 'Other', slug: tag } }), 201);
    await createWorkspace(h, owner.key);
    const r = expectOk(await h.call('GET', `/api/v1/workspaces?q=${tag.toUpperCase()}`, { key: owner.key }));
    expect(r.map((w: any) => w.id).sort()).toEqual([a.id, b.id].sort());
    // LIKE wildcards in q are literal.
    expect(expectOk(await h.call('GET', '/api/v1/workspaces?q=%25', { key: owner.key }))).toEqual([]);
  });
});

describe('update', () => {
  it('owners and admins edit; members and viewers get 403; outsiders 404', async () => {
    const ws = await team();
    const r = expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin.key, body: { name: 'Renamed', mission: 'New mission', emoji: '🧪', color: '#000000' } }));
    expect(r).toMatchObject({ name: 'Renamed', mission: 'New mission', emoji: '🧪', color: '#000000', version: 2, role: 'admin' });
    expect(r.updatedAt >= r.createdAt).toBe(true);
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: member.key, body: { name: 'No' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: viewer.key, body: { name: 'No' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: outsider.key, body: { name: 'No' } }), 404, 'NOT_FOUND');
    const now = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: owner.key }));
    expect(now).toMatchObject({ name: 'Renamed', version: 2 });
    const log = await activityOf(ws.id, 'workspace.updated');
    expect(log).toHaveLength(1);
    expect(log[0].metadata.changes).toEqual({ name: 'Renamed', mission: 'New mission', emoji: '🧪', color: '#000000' });
    expect(log[0].actor.id).toBe(admin.id);
  });

  it('changes the slug: the new one resolves, the old one is 404; a taken slug is 409', async () => {
    const ws = await createWorkspace(h, owner.key);
    const other = await createWorkspace(h, owner.key);
    const slug = uniq('moved');
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.slug}`, { key: owner.key, body: { slug } }));
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${slug}`, { key: owner.key })).id).toBe(ws.id);
    expectError(await h.call('GET', `/api/v1/workspaces/${ws.slug}`, { key: owner.key }), 404, 'NOT_FOUND');
    const taken = await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { slug: other.slug } });
    expectError(taken, 409, 'CONFLICT');
    expect(issueFields(taken)).toEqual(['slug']);
  });
});

describe('optimistic concurrency', () => {
  it('a stale version in the body is 409 with the current version; nothing changes', async () => {
    const ws = await createWorkspace(h, owner.key);
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'v2', version: 1 } })).version).toBe(2);
    const stale = await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'lost update', version: 1 } });
    const e = expectError(stale, 409, 'CONFLICT');
    expect(e.details).toMatchObject({ currentVersion: 2, yourVersion: 1 });
    const now = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: owner.key }));
    expect(now).toMatchObject({ name: 'v2', version: 2 });
    expect(await activityOf(ws.id, 'workspace.updated')).toHaveLength(1);
  });

  it('If-Match: stale → 409, current → 200 and the version increments; quoted and weak forms work', async () => {
    const ws = await createWorkspace(h, owner.key);
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'x' }, headers: { 'if-match': '7' } }), 409, 'CONFLICT');
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'a' }, headers: { 'if-match': '1' } })).version).toBe(2);
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'b' }, headers: { 'if-match': '"2"' } })).version).toBe(3);
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'c' }, headers: { 'if-match': 'W/"3"' } })).version).toBe(4);
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'd' }, headers: { 'if-match': '"3"' } }), 409, 'CONFLICT');
    // Without a version the last write wins.
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'e' } })).version).toBe(5);
  });

  it('a malformed If-Match is 400 naming If-Match', async () => {
    const ws = await createWorkspace(h, owner.key);
    for (const bad of ['abc', '1.5', '-1', '"v1"', '']) {
      const r = await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'x' }, headers: { 'if-match': bad } });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(r.body.error.details.issues).toEqual([expect.objectContaining({ field: 'If-Match', in: 'header' })]);
    }
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: owner.key })).version).toBe(1);
  });

  it('of two writers with the same version exactly one wins', async () => {
    const ws = await createWorkspace(h, owner.key);
    const results = await Promise.all(
      ['first', 'second'].map((name) => h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name, version: 1 } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body.data.name;
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: owner.key }))).toMatchObject({ name: winner, version: 2 });
  });
});

describe('archive and restore', () => {
  it('only an owner archives (DELETE); it leaves the list, stays readable, refuses changes; PATCH archived:false restores', async () => {
    const ws = await team();
    expectError(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: admin.key }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: member.key }), 403, 'FORBIDDEN');
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin.key, body: { archived: true } }), 403, 'FORBIDDEN');
    expectError(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: outsider.key }), 404, 'NOT_FOUND');

    const archived = expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: owner.key }));
    expect(archived).toMatchObject({ id: ws.id, archived: true, archivedAt: expect.any(String), version: 2 });
    expect(await h.database.db.query.workspaces.findMany({ where: (w, { eq }) => eq(w.id, ws.id) })).toHaveLength(1); // not deleted

    const active = expectOk(await h.call('GET', '/api/v1/workspaces?limit=200', { key: member.key }));
    expect(active.map((w: any) => w.id)).not.toContain(ws.id);
    const archivedList = expectOk(await h.call('GET', '/api/v1/workspaces?archived=true', { key: member.key }));
    expect(archivedList.map((w: any) => w.id)).toEqual([ws.id]);
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: viewer.key })).archived).toBe(true);

    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'While archived' } }), 409, 'CONFLICT');
    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: owner.key, body: { monthlyTokenLimit: 1, hardStop: true } }), 409, 'CONFLICT');
    expectError(await h.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: owner.key, body: { email: outsider.email } }), 409, 'CONFLICT');

    // Archiving again is harmless; only owners restore.
    expect(expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: owner.key })).archivedAt).toBe(archived.archivedAt);
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin.key, body: { archived: false } }), 403, 'FORBIDDEN');
    const restored = expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { archived: false } }));
    expect(restored).toMatchObject({ archived: false, archivedAt: null });
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin.key, body: { name: 'Back' } }));

    expect(await activityOf(ws.id, 'workspace.archived')).toHaveLength(1);
    expect(await activityOf(ws.id, 'workspace.restored')).toHaveLength(1);
  });

  it('an instance admin can archive and restore any workspace', async () => {
    const ws = await createWorkspace(h, owner.key);
    expect(expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: h.admin.key })).archived).toBe(true);
    expect(expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: h.admin.key, body: { archived: false } })).archived).toBe(false);
  });

  it('restores and edits in one PATCH; an admin (not owner) cannot restore; edits alone stay refused while archived', async () => {
    const ws = await team();
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: owner.key }));
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { name: 'Renamed' } }), 409, 'CONFLICT');
    expectError(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin.key, body: { archived: false, name: 'Renamed' } }), 403, 'FORBIDDEN');
    const back = expectOk(await h.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: owner.key, body: { archived: false, name: 'Renamed' } }));
    expect(back).toMatchObject({ archived: false, name: 'Renamed' });
  });

  it('archiving the default workspace clears the default, so new users do not land in an archived workspace', async () => {
    const ws = await createWorkspace(h, owner.key);
    expectOk(await h.call('PUT', '/api/v1/settings/default-workspace', { key: h.admin.key, body: { workspaceId: ws.id } }));
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: owner.key }));
    expect(expectOk(await h.call('GET', '/api/v1/settings/default-workspace', { key: h.admin.key })).workspaceId).toBeNull();
    const newcomer = await h.newUser('Newcomer');
    expect(expectOk(await h.call('GET', '/api/v1/workspaces?archived=true', { key: newcomer.key }))).toEqual([]);
  });
});

describe('budget', () => {
  it('admins set it (PUT replaces); members and viewers get 403; every change is audited with before/after', async () => {
    const ws = await team();
    const set = expectOk(
      await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: admin.key, body: { monthlyTokenLimit: 1_000_000, monthlyCostLimitUsd: 12.5, hardStop: true } }),
    );
    expect(set.budget).toEqual({ monthlyTokenLimit: 1_000_000, monthlyCostLimitUsd: 12.5, hardStop: true });
    expect(set.version).toBe(2);
    // PUT replaces: an omitted cost limit is cleared.
    const replaced = expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: owner.key, body: { monthlyTokenLimit: null, hardStop: false } }));
    expect(replaced.budget).toEqual({ monthlyTokenLimit: null, monthlyCostLimitUsd: null, hardStop: false });

    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: member.key, body: { monthlyTokenLimit: 5, hardStop: true } }), 403, 'FORBIDDEN');
    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: viewer.key, body: { monthlyTokenLimit: 5, hardStop: true } }), 403, 'FORBIDDEN');
    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: outsider.key, body: { monthlyTokenLimit: 5, hardStop: true } }), 404, 'NOT_FOUND');
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}`, { key: viewer.key })).budget.monthlyTokenLimit).toBeNull();

    const log = await activityOf(ws.id, 'workspace.budget_changed');
    expect(log).toHaveLength(2);
    const first = log.find((e) => e.actor.id === admin.id);
    expect(first.metadata).toEqual({
      before: { monthlyTokenLimit: null, monthlyCostLimitUsd: null, hardStop: false },
      after: { monthlyTokenLimit: 1_000_000, monthlyCostLimitUsd: 12.5, hardStop: true },
    });
  });

  it('honours the version (body or If-Match)', async () => {
    const ws = await createWorkspace(h, owner.key);
    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: owner.key, body: { monthlyTokenLimit: 1, hardStop: false, version: 9 } }), 409, 'CONFLICT');
    expectError(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: owner.key, body: { monthlyTokenLimit: 1, hardStop: false }, headers: { 'if-match': '9' } }), 409, 'CONFLICT');
    expect(expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: owner.key, body: { monthlyTokenLimit: 1, hardStop: false }, headers: { 'if-match': '1' } })).version).toBe(2);
  });
});
