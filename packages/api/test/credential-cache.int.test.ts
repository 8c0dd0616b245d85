// The per-process cache of resolved keys and sessions (core: auth/credential-cache.ts, ADR 0022): what it keeps,
// that every change to a principal's makings is announced by the database (migration 0020) and forgets it, that the
// process making a change forgets at once (`changesCredentials`), and, on PostgreSQL, that another process learns it.
import { createApiApp, type ApiDeps } from '@mc/api';
import { CREDENTIALS_CHANNEL, CredentialCache, KeyUsageTracker, LiveBus, RateLimiter, systemClock, watchedCredentialCache } from '@mc/core';
import { openDatabase, type Database } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type CallOptions, type CallResult, type Harness } from './harness';
import { expectError, expectOk, SAME_ORIGIN } from './helpers';
import { onOneConnection } from './plans';

let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
});
afterAll(() => h.close());

const me = (key: string) => h.call('GET', '/api/v1/me', { key });
/** A statement straight in the database, as another process (or an operator) would write. */
const run = (text: string, params: unknown[] = []) => onOneConnection(h, (r) => r(text, params));

/** Run `write` and resolve once the database's announcement of it has reached `cache` (it clears). */
async function announced(cache: CredentialCache, write: () => Promise<unknown>) {
  let unsubscribe = () => {};
  const cleared = new Promise<void>((resolve) => (unsubscribe = cache.onCleared(resolve)));
  await write();
  await cleared;
  unsubscribe();
}

describe('the cache', () => {
  it('keeps a resolved key: a change nobody announces is not seen until the cache is cleared', async () => {
    // A cache on its own (not listening): only what it was told.
    const cache = new CredentialCache();
    const u = await h.newUser('Cached');
    const now = new Date();
    expect((await cache.resolveKey(h.database.db, u.key, now))?.kind).toBe('user');
    expect(cache.size).toBe(1);
    await run(`UPDATE api_keys SET revoked_at = now() WHERE user_id = $1`, [u.id]);
    expect((await cache.resolveKey(h.database.db, u.key, now))?.kind).toBe('user');
    cache.clear();
    expect(await cache.resolveKey(h.database.db, u.key, now)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('keeps neither unknown keys nor what a lookup read before a clear', async () => {
    const cache = new CredentialCache();
    const u = await h.newUser('Racing');
    expect(await cache.resolveKey(h.database.db, 'mc_usr_nobody-has-this-key-0123456789', new Date())).toBeNull();
    expect(cache.size).toBe(0);
    // The lookup is under way when a change is announced: what it read may predate the change.
    const pending = cache.resolveKey(h.database.db, u.key, new Date());
    cache.clear();
    expect((await pending)?.kind).toBe('user');
    expect(cache.size).toBe(0);
  });

  it('is neither read nor filled while announcements cannot arrive', async () => {
    let up = false;
    const cache = new CredentialCache({ usable: () => up });
    const u = await h.newUser('Unheard');
    expect((await cache.resolveKey(h.database.db, u.key, new Date()))?.kind).toBe('user');
    expect(cache.size).toBe(0);
    up = true;
    await cache.resolveKey(h.database.db, u.key, new Date());
    expect(cache.size).toBe(1);
    await run(`UPDATE api_keys SET revoked_at = now() WHERE user_id = $1`, [u.id]);
    up = false;
    expect(await cache.resolveKey(h.database.db, u.key, new Date())).toBeNull();
  });

  it('answers an expired credential 401 from its expiry on, cached or not', async () => {
    const cache = new CredentialCache();
    const u = await h.newUser('Expiring');
    const at = new Date(Date.now() + 60_000);
    await run(`UPDATE api_keys SET expires_at = $1::timestamptz WHERE user_id = $2`, [at.toISOString(), u.id]);
    expect((await cache.resolveKey(h.database.db, u.key, new Date(at.getTime() - 1)))?.kind).toBe('user');
    expect(cache.size).toBe(1);
    expect(await cache.resolveKey(h.database.db, u.key, at)).toBeNull();
  });
});

describe('announcements (migration 0020)', () => {
  /** A database change and whether it must announce. */
  const changes = (ids: { userId: string; agentId: string; wsId: string }): [string, [string, unknown[]], boolean][] => [
    ['api_keys.revoked_at', [`UPDATE api_keys SET revoked_at = NULL WHERE user_id = $1`, [ids.userId]], true],
    ['api_keys.expires_at', [`UPDATE api_keys SET expires_at = NULL WHERE user_id = $1`, [ids.userId]], true],
    ['api_keys.last_used_at (key usage)', [`UPDATE api_keys SET last_used_at = now() WHERE user_id = $1`, [ids.userId]], false],
    ['agent_keys.revoked_at', [`UPDATE agent_keys SET revoked_at = NULL WHERE agent_id = $1`, [ids.agentId]], true],
    ['agent_keys.expires_at', [`UPDATE agent_keys SET expires_at = NULL WHERE agent_id = $1`, [ids.agentId]], true],
    ['agent_keys.last_used_at (key usage)', [`UPDATE agent_keys SET last_used_at = now() WHERE agent_id = $1`, [ids.agentId]], false],
    ['agents.status', [`UPDATE agents SET status = status WHERE id = $1`, [ids.agentId]], true],
    ['agents.name', [`UPDATE agents SET name = name WHERE id = $1`, [ids.agentId]], true],
    ['agents.capabilities', [`UPDATE agents SET capabilities = capabilities WHERE id = $1`, [ids.agentId]], true],
    ['agents.last_seen_at (heartbeat)', [`UPDATE agents SET last_seen_at = now() WHERE id = $1`, [ids.agentId]], false],
    ['users.disabled_at', [`UPDATE users SET disabled_at = NULL WHERE id = $1`, [ids.userId]], true],
    ['users.name', [`UPDATE users SET name = name WHERE id = $1`, [ids.userId]], true],
    ['users.is_instance_admin', [`UPDATE users SET is_instance_admin = is_instance_admin WHERE id = $1`, [ids.userId]], true],
    ['users.password_hash', [`UPDATE users SET password_hash = password_hash WHERE id = $1`, [ids.userId]], false],
    ['workspaces.archived_at', [`UPDATE workspaces SET archived_at = NULL WHERE id = $1`, [ids.wsId]], true],
    ['workspaces.ticket_seq (ticket numbers)', [`UPDATE workspaces SET ticket_seq = ticket_seq WHERE id = $1`, [ids.wsId]], false],
    ['sessions (deleted)', [`DELETE FROM sessions WHERE user_id = $1`, [ids.userId]], true],
  ];

  it('every change to what a principal is made of is announced; the frequent writes to those tables are not', async () => {
    const agent = await activeAgent(h, team.owner.key, team.ws.slug);
    const u = await h.newUser('Announced');
    const ids = { userId: u.id, agentId: agent.id, wsId: team.ws.id };
    const heard: string[] = [];
    let marked = () => {};
    const unlisten = await h.database.listen(CREDENTIALS_CHANNEL, (payload) => {
      heard.push(payload);
      if (payload === 'marker') marked();
    });
    try {
      for (const [name, change, announces] of changes(ids)) {
        // The change, then a marker on the channel: announcements arrive in commit order, so by the time the
        // marker arrives, the change's announcement has too if there was one.
        heard.length = 0;
        await run(...change);
        const arrived = new Promise<void>((resolve) => (marked = resolve));
        await run(`SELECT pg_notify($1, 'marker')`, [CREDENTIALS_CHANNEL]);
        await arrived;
        expect(heard, name).toEqual(announces ? [name.split(/[. ]/)[0], 'marker'] : ['marker']);
      }
    } finally {
      await unlisten();
    }
  });

  it("the app's cache forgets on an announcement: a key revoked by another process answers 401", async () => {
    const u = await h.newUser('Elsewhere');
    expectOk(await me(u.key));
    expect(h.deps.credentials.size).toBeGreaterThan(0);
    // Straight in the database, as another process (or an operator) would.
    await announced(h.deps.credentials, () => run(`UPDATE api_keys SET revoked_at = now() WHERE user_id = $1`, [u.id]));
    expectError(await me(u.key), 401, 'UNAUTHENTICATED');
  });
});

describe('the process that changes a credential forgets at once (changesCredentials)', () => {
  // The app on a cache that hears no announcements: only the routes' own clearing can make these pass.
  let deaf: { deps: ApiDeps; call(method: string, path: string, o?: CallOptions): Promise<CallResult> };
  beforeAll(() => {
    const deps: ApiDeps = { ...h.deps, credentials: new CredentialCache() };
    const app = createApiApp(deps);
    const call = async (method: string, path: string, o: CallOptions = {}) => {
      const headers: Record<string, string> = { ...o.headers };
      if (o.key) headers.authorization = `Bearer ${o.key}`;
      if (o.cookie) headers.cookie = o.cookie;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await app.app.request(`http://mc.test${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    };
    deaf = { deps, call };
  });

  it('revoking a personal key', async () => {
    const u = await h.newUser('Revoker');
    expectOk(await deaf.call('GET', '/api/v1/me', { key: u.key }));
    const keys = expectOk(await deaf.call('GET', '/api/v1/me/api-keys', { key: u.key })) as { id: string }[];
    const other = expectOk(await deaf.call('POST', '/api/v1/me/api-keys', { key: u.key, body: { name: 'second' } }), 201) as { key: string };
    expectOk(await deaf.call('GET', '/api/v1/me', { key: other.key }));
    expect([200, 204]).toContain((await deaf.call('DELETE', `/api/v1/me/api-keys/${keys[0].id}`, { key: other.key })).status);
    expectError(await deaf.call('GET', '/api/v1/me', { key: u.key }), 401, 'UNAUTHENTICATED');
  });

  it('renaming and deactivating an agent', async () => {
    const agent = await activeAgent(h, team.owner.key, team.ws.slug);
    const ticket = expectOk(await deaf.call('POST', '/api/v1/tickets', { key: team.owner.key, body: { workspaceId: team.ws.id, title: 'Named' } }), 201) as { id: string };
    const comment = async () =>
      (expectOk(await deaf.call('POST', `/api/v1/tickets/${ticket.id}/comments`, { key: agent.key, body: { body: 'hello' } }), 201) as { author: { name: string } }).author.name;
    // The comment's author is the caller's principal: a stale one would carry the old name.
    expect(await comment()).toBe(agent.name);
    const renamed = `${agent.name}-2`;
    expectOk(await deaf.call('PATCH', `/api/v1/agents/${agent.id}`, { key: team.owner.key, body: { name: renamed } }));
    expect(await comment()).toBe(renamed);
    expectOk(await deaf.call('POST', `/api/v1/agents/${agent.id}/deactivate`, { key: team.owner.key }));
    expect(expectError(await deaf.call('GET', '/api/v1/agents/me', { key: agent.key }), 401, 'UNAUTHENTICATED').details?.reason).toBe('agent_deactivated');
  });

  it("rotating an agent's key with no grace ends the old key", async () => {
    const agent = await activeAgent(h, team.owner.key, team.ws.slug);
    expectOk(await deaf.call('GET', '/api/v1/agents/me', { key: agent.key }));
    const rotated = await deaf.call('POST', `/api/v1/agents/${agent.id}/rotate-key`, { key: team.owner.key, body: { graceSeconds: 0 } });
    expect(rotated.status, JSON.stringify(rotated.body)).toBeLessThan(300);
    expectError(await deaf.call('GET', '/api/v1/agents/me', { key: agent.key }), 401, 'UNAUTHENTICATED');
  });

  it('disabling a person ends their key and their session', async () => {
    const u = await h.newUser('Disabled');
    const login = await deaf.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    expectOk(await deaf.call('GET', '/api/v1/me', { key: u.key }));
    expectOk(await deaf.call('GET', '/api/v1/me', { cookie }));
    expectOk(await deaf.call('PATCH', `/api/v1/users/${u.id}`, { key: h.admin.key, body: { disabled: true } }));
    expectError(await deaf.call('GET', '/api/v1/me', { key: u.key }), 401, 'UNAUTHENTICATED');
    expectError(await deaf.call('GET', '/api/v1/me', { cookie, headers: SAME_ORIGIN }), 401, 'UNAUTHENTICATED');
  });

  it('signing out ends the session', async () => {
    const u = await h.newUser('Leaver');
    const login = await deaf.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    expectOk(await deaf.call('GET', '/api/v1/me', { cookie }));
    expect((await deaf.call('POST', '/api/v1/auth/logout', { cookie, headers: SAME_ORIGIN })).status).toBeLessThan(300);
    expectError(await deaf.call('GET', '/api/v1/me', { cookie }), 401, 'UNAUTHENTICATED');
  });
});

/** A second server process on the same PostgreSQL database: its own pool, LISTEN, cache and REST app. */
async function secondProcess(url: string) {
  const database: Database = await openDatabase({ databaseUrl: url, migrate: false, poolSize: 3 });
  const credentials = await watchedCredentialCache(database);
  const deps: ApiDeps = {
    ...h.deps,
    db: database.db,
    credentials: credentials.cache,
    live: new LiveBus(),
    rateLimiter: new RateLimiter(database.db, systemClock),
    keyUsage: new KeyUsageTracker(database.db, 50),
  };
  const app = createApiApp(deps);
  const call = async (path: string, key: string) => {
    const res = await app.app.request(`http://mc.test${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };
  return {
    credentials: credentials.cache,
    call,
    async close() {
      await deps.keyUsage.flush();
      await credentials.close();
      await deps.rateLimiter.close();
      await database.close();
    },
  };
}

describe.runIf(!!process.env.TEST_DATABASE_URL)('across processes (PostgreSQL)', () => {
  it("another process forgets a key this one revoked, and an agent this one deactivated, once it hears of it", async () => {
    const p2 = await secondProcess(h.database.url!);
    try {
      const u = await h.newUser('Twice');
      const agent = await activeAgent(h, team.owner.key, team.ws.slug);
      expectOk(await p2.call('/api/v1/me', u.key));
      expectOk(await p2.call('/api/v1/agents/me', agent.key));
      expect(p2.credentials.size).toBe(2);
      const [key] = expectOk(await h.call('GET', '/api/v1/me/api-keys', { key: u.key })) as { id: string }[];
      await announced(p2.credentials, () => h.call('DELETE', `/api/v1/me/api-keys/${key.id}`, { key: u.key }));
      expectError(await p2.call('/api/v1/me', u.key), 401, 'UNAUTHENTICATED');
      expectOk(await p2.call('/api/v1/agents/me', agent.key));
      await announced(p2.credentials, () => h.call('POST', `/api/v1/agents/${agent.id}/deactivate`, { key: team.owner.key }));
      expectError(await p2.call('/api/v1/agents/me', agent.key), 401, 'UNAUTHENTICATED');
    } finally {
      await p2.close();
    }
  });
});
