// OpenClaw gateways (issue 15) on a real database: CRUD and who may do it, isolation, the token never answered,
// logged or stored in clear, the address rules per caller, the live state the connection owner writes, the sync
// signal, and agent links ("add as agent", link, unlink). No gateway is needed: nothing here connects to one.
import {
  GATEWAYS_CHANNEL,
  listGatewaysForConnection,
  loadGatewayForConnection,
  openSecret,
  parseGatewayAllowedHosts,
  randomSecretKeyring,
  recordGatewayState,
  resealGatewaySecrets,
  secretKeyring,
  sealedKeyId,
  saveGatewayDeviceIdentity,
  unopenableSecrets,
  type GatewaysChangedSignal,
} from '@mc/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';

let h: Harness;
let team: Team;
let other: { id: string };
const TOKEN = `gw-token-${Date.now().toString(36)}-SECRET`;
/** Every line written to the console during the suite (the token must be in none). */
const logged: string[] = [];

const system = () => h.ctxFor({ kind: 'system', name: 'gateway-pool' });
const create = (body: Record<string, unknown>, key = team.owner.key) =>
  h.call('POST', '/api/v1/gateways', { key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: 'wss://gw.example.com', token: TOKEN, ...body } });

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original(...args);
    });
  }
  h = await createHarness({ config: { gatewayAllowedHosts: parseGatewayAllowedHosts('gw.lan,10.0.0.0/8') } });
  team = await createTeam(h);
  other = await createWorkspace(h, h.admin.key);
});
afterAll(async () => {
  vi.restoreAllMocks();
  expect(logged.filter((l) => l.includes(TOKEN))).toEqual([]);
  await h?.close();
});

describe('gateways: CRUD', () => {
  it('a workspace admin registers one: 201, state connecting, the token write-only; members and viewers read it', async () => {
    const gw = expectOk(await create({ name: 'Home gateway' }), 201);
    expect(gw).toMatchObject({ workspaceId: team.ws.id, name: 'Home gateway', url: 'wss://gw.example.com', hasToken: true, state: 'connecting', agents: [], linkedAgents: [], serverVersion: null, protocol: null, lastError: null, version: 1 });
    expect(gw.id).toMatch(/^gtw_/);
    expect(gw.can).toEqual({ edit: true, delete: true, sync: true, addAgent: true, link: true });
    expect(JSON.stringify(gw)).not.toContain(TOKEN);
    expect(gw).not.toHaveProperty('token');

    for (const u of [team.member, team.viewer]) {
      const seen = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: u.key }));
      expect(seen.can).toEqual({ edit: false, delete: false, sync: false, addAgent: false, link: false });
      const list = await h.call('GET', `/api/v1/gateways?workspaceId=${team.ws.id}&total=exact`, { key: u.key });
      expect(expectOk(list).map((g: { id: string }) => g.id)).toContain(gw.id);
      expect(list.body.meta.total).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(list.body)).not.toContain(TOKEN);
    }
    for (const u of [team.member, team.viewer]) {
      expectError(await create({}, u.key), 403, 'FORBIDDEN');
      expectError(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: u.key, body: { name: 'x' } }), 403, 'FORBIDDEN');
      expectError(await h.call('DELETE', `/api/v1/gateways/${gw.id}`, { key: u.key }), 403, 'FORBIDDEN');
      expectError(await h.call('POST', `/api/v1/gateways/${gw.id}/sync`, { key: u.key }), 403, 'FORBIDDEN');
    }
    // The token is stored sealed (mcs1.<keyId>.…), bound to its row; in clear nowhere in the database's rows written.
    const row = (await h.database.db.query.gateways.findFirst({ where: (g, { eq }) => eq(g.id, gw.id) }))!;
    expect(row.tokenCiphertext).toMatch(/^mcs1\./);
    expect(row.tokenCiphertext).not.toContain(TOKEN);
    expect(openSecret(h.deps.config.secrets!, row.tokenCiphertext, `gateways.token:${gw.id}`)).toBe(TOKEN);
    const acts = await h.database.db.query.activity.findMany({ where: (a, { eq }) => eq(a.workspaceId, team.ws.id) });
    const evs = await h.database.db.query.events.findMany({ where: (e, { eq }) => eq(e.workspaceId, team.ws.id) });
    expect(JSON.stringify(acts)).not.toContain(TOKEN);
    expect(JSON.stringify(evs)).not.toContain(TOKEN);
    expect(acts.some((a) => a.action === 'gateway.created' && a.targetId === gw.id)).toBe(true);
    expect(evs.some((e) => e.type === 'gateway.created')).toBe(true);
  });

  it('names are unique per workspace (any case); another workspace may reuse one', async () => {
    const name = uniq('Dup');
    expectOk(await create({ name }), 201);
    const dup = expectError(await create({ name: name.toUpperCase() }), 409, 'CONFLICT');
    expect(dup.details.issues[0].field).toBe('name');
    expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: other.id, name, url: 'wss://gw.example.com', token: 't' } }), 201);
  });

  it('edit: name, URL and token (write-only); a new URL or token puts it back to connecting; If-Match guards', async () => {
    const gw = expectOk(await create({}), 201);
    await recordGatewayState(system(), gw.id, { state: 'connected', serverVersion: '2026.9.6', protocol: 4 });
    const renamed = expectOk(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: team.admin.key, body: { name: 'Renamed', version: 1 } }));
    expect(renamed).toMatchObject({ name: 'Renamed', state: 'connected', version: 2 });
    expectError(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: team.admin.key, body: { name: 'Stale', version: 1 } }), 409, 'CONFLICT');
    const newToken = `${TOKEN}-2`;
    const rekeyed = expectOk(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: team.admin.key, body: { token: newToken } }));
    expect(rekeyed.state).toBe('connecting');
    expect(rekeyed.version).toBe(3);
    expect(JSON.stringify(rekeyed)).not.toContain(newToken);
    expect((await loadGatewayForConnection(system(), gw.id))!.token).toBe(newToken);
    const moved = expectOk(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: team.admin.key, body: { url: 'wss://gw2.example.com' } }));
    expect(moved.url).toBe('wss://gw2.example.com');
    const acts = await h.database.db.query.activity.findMany({ where: (a, { eq }) => eq(a.targetId, gw.id) });
    expect(acts.map((a) => a.summary).join('\n')).toMatch(/\(token\)/);
    expect(JSON.stringify(acts)).not.toContain(newToken);
  });

  it('delete: 200 with the gateway as it was; its linked agents stay, unlinked; then 404', async () => {
    const gw = expectOk(await create({}), 201);
    const added = expectOk(await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.owner.key, body: { gatewayAgentId: 'main', name: uniq('main') } }), 201);
    const gone = expectOk(await h.call('DELETE', `/api/v1/gateways/${gw.id}`, { key: team.admin.key }));
    expect(gone.id).toBe(gw.id);
    expect(gone.linkedAgents.map((l: { agentId: string }) => l.agentId)).toEqual([added.agentId]);
    expectError(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.owner.key }), 404, 'NOT_FOUND');
    const agent = expectOk(await h.call('GET', `/api/v1/agents/${added.agentId}`, { key: team.owner.key }));
    expect(agent.status).toBe('active');
    const [row] = await h.database.db.query.agents.findMany({ where: (a, { eq }) => eq(a.id, added.agentId) });
    expect([row.gatewayId, row.gatewayAgentId]).toEqual([null, null]);
  });
});

describe('gateways: the list', () => {
  it('pages like every list: sort, cursor, offset, total, state filter', async () => {
    const ws = await createWorkspace(h, h.admin.key);
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];
    const ids: Record<string, string> = {};
    for (const name of names) {
      ids[name] = expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: ws.id, name, url: 'wss://gw.example.com', token: TOKEN } }), 201).id;
    }
    await recordGatewayState(system(), ids.charlie, { state: 'connected' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await h.call('GET', `/api/v1/gateways?workspaceId=${ws.slug}&sort=name&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: h.admin.key });
      seen.push(...expectOk(r).map((g: { name: string }) => g.name));
      cursor = r.body.meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].sort());
    const counted = await h.call('GET', `/api/v1/gateways?workspaceId=${ws.id}&limit=2&offset=2&sort=-createdAt&total=exact`, { key: h.admin.key });
    expect(expectOk(counted).map((g: { name: string }) => g.name)).toEqual(['echo', 'alpha']);
    expect(counted.body.meta.total).toBe(5);
    const connected = expectOk(await h.call('GET', `/api/v1/gateways?workspaceId=${ws.id}&state=connected`, { key: h.admin.key }));
    expect(connected.map((g: { id: string }) => g.id)).toEqual([ids.charlie]);
    expectError(await h.call('GET', '/api/v1/gateways', { key: h.admin.key }), 400, 'VALIDATION_ERROR');
  });
});

describe('gateways: isolation', () => {
  it("another workspace's gateway is 404 for every operation, for people and agents", async () => {
    const theirs = expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: other.id, name: uniq('theirs'), url: 'wss://gw.example.com', token: TOKEN } }), 201);
    const agent = await activeAgent(h, team.owner.key, team.ws.id);
    for (const key of [team.owner.key, team.viewer.key, agent.key]) {
      expectError(await h.call('GET', `/api/v1/gateways/${theirs.id}`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('GET', `/api/v1/gateways?workspaceId=${other.id}`, { key }), 404, 'NOT_FOUND');
    }
    for (const key of [team.owner.key, team.admin.key]) {
      expectError(await h.call('PATCH', `/api/v1/gateways/${theirs.id}`, { key, body: { name: 'x' } }), 404, 'NOT_FOUND');
      expectError(await h.call('DELETE', `/api/v1/gateways/${theirs.id}`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/gateways/${theirs.id}/sync`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', `/api/v1/gateways/${theirs.id}/agents`, { key, body: { gatewayAgentId: 'main' } }), 404, 'NOT_FOUND');
      expectError(await h.call('POST', '/api/v1/gateways', { key, body: { workspaceId: other.id, name: 'x', url: 'wss://gw.example.com', token: 't' } }), 404, 'NOT_FOUND');
    }
    // Linking our agent to their gateway: the same 400 as a gateway that does not exist.
    const linked = await h.call('PUT', `/api/v1/agents/${agent.id}/gateway-link`, { key: team.owner.key, body: { gatewayId: theirs.id, gatewayAgentId: 'main' } });
    expectError(linked, 400, 'VALIDATION_ERROR');
    expect(issueFields(linked)).toEqual(['gatewayId']);
  });

  it('agents of the workspace read its gateways (read-only, like crons) and cannot change them', async () => {
    const gw = expectOk(await create({}), 201);
    const agent = await activeAgent(h, team.owner.key, team.ws.id);
    const seen = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: agent.key }));
    expect(seen.can.edit).toBe(false);
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
    expect(expectOk(await h.call('GET', `/api/v1/gateways?workspaceId=${team.ws.id}`, { key: agent.key })).length).toBeGreaterThan(0);
    expectError(await h.call('PATCH', `/api/v1/gateways/${gw.id}`, { key: agent.key, body: { name: 'x' } }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/gateways', { key: agent.key, body: { workspaceId: team.ws.id, name: 'x', url: 'wss://gw.example.com', token: 't' } }), 403, 'FORBIDDEN');
  });
});

describe('gateways: address rules', () => {
  it('a workspace admin: public addresses and MC_GATEWAY_ALLOWED_HOSTS only; an instance admin: private and loopback too; link-local and metadata never', async () => {
    for (const url of ['ws://127.0.0.1:18789', 'ws://localhost:18789', 'ws://192.168.1.10:18789']) {
      const r = await create({ url });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toEqual(['url']);
      expect(r.body.error.message).toMatch(/only an instance admin/);
    }
    expectOk(await create({ url: 'ws://10.1.2.3:18789' }), 201); // 10.0.0.0/8 is allowed
    expectOk(await create({ url: 'ws://gw.lan:18789' }), 201); // listed host
    const local = expectOk(await create({ url: 'ws://127.0.0.1:18789' }, h.admin.key), 201);
    expect((await loadGatewayForConnection(system(), local.id))!.addressPolicy.allowPrivate).toBe(true);
    for (const key of [h.admin.key, team.owner.key]) {
      for (const url of ['ws://169.254.169.254/', 'ws://[fe80::1]:18789', 'ws://169.254.170.2/']) {
        const r = await create({ url }, key);
        expectError(r, 400, 'VALIDATION_ERROR');
        expect(r.body.error.message).toMatch(/never/);
      }
    }
    expectError(await create({ url: 'http://gw.example.com' }), 400, 'VALIDATION_ERROR');
    // A workspace admin moving the instance admin's loopback gateway elsewhere private: refused; renaming it: fine.
    expectError(await h.call('PATCH', `/api/v1/gateways/${local.id}`, { key: team.owner.key, body: { url: 'ws://127.0.0.2:18789' } }), 400, 'VALIDATION_ERROR');
    expectOk(await h.call('PATCH', `/api/v1/gateways/${local.id}`, { key: team.owner.key, body: { name: uniq('renamed') } }));
    expect((await loadGatewayForConnection(system(), local.id))!.addressPolicy.allowPrivate).toBe(true);
  });
});

describe('gateways: the connection owner (pool) side', () => {
  it('lists gateways with tokens opened; writes live state; a state report never makes an edit stale', async () => {
    const gw = expectOk(await create({}), 201);
    const all = await listGatewaysForConnection(system());
    const mine = all.find((g) => g.id === gw.id)!;
    expect(mine).toMatchObject({ token: TOKEN, openError: null, addressRefused: null, state: 'connecting', workspaceId: team.ws.id });
    expect(await recordGatewayState(system(), gw.id, { state: 'unreachable', error: 'connect ECONNREFUSED' })).toBe(true);
    let read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.viewer.key }));
    expect(read).toMatchObject({ state: 'unreachable', lastError: 'connect ECONNREFUSED', version: 1 });
    expect(read.lastErrorAt).not.toBeNull();
    await recordGatewayState(system(), gw.id, { state: 'connected', serverVersion: '2026.9.6', protocol: 4, agents: [{ id: 'main', name: 'Main' }, { id: 'ops' }] });
    read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.viewer.key }));
    expect(read).toMatchObject({ state: 'connected', serverVersion: '2026.9.6', protocol: 4, lastError: 'connect ECONNREFUSED', version: 1 });
    expect(read.agents).toEqual([
      { id: 'main', name: 'Main', agentId: null, agentName: null },
      { id: 'ops', name: 'ops', agentId: null, agentName: null },
    ]);
    expect(read.lastSyncedAt).not.toBeNull();
    expect(await recordGatewayState(system(), 'gtw_missing', { state: 'connected' })).toBe(false);
    // The device identity is sealed too, and opened for the pool only.
    expect(await saveGatewayDeviceIdentity(system(), gw.id, '{"publicKey":"pk","privateKey":"SECRET-DEVICE"}')).toBe(true);
    expect((await loadGatewayForConnection(system(), gw.id))!.deviceIdentity).toContain('SECRET-DEVICE');
    const withDevice = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.owner.key }));
    expect(withDevice.hasDeviceIdentity).toBe(true);
    expect(JSON.stringify(withDevice)).not.toContain('SECRET-DEVICE');
  });

  it('a process with another key: the token does not open (openError), and the startup check names the key', async () => {
    const gw = expectOk(await create({}), 201);
    const wrong = { ...system(), config: { ...h.deps.config, secrets: randomSecretKeyring() } };
    const seen = await loadGatewayForConnection(wrong, gw.id);
    expect(seen!.token).toBeNull();
    expect(seen!.openError).toMatch(/does not have/);
    const missing = await unopenableSecrets(h.database.db, wrong.config.secrets);
    expect(missing.map((m) => m.keyId)).toContain(h.deps.config.secrets!.current.id);
    expect(await unopenableSecrets(h.database.db, h.deps.config.secrets)).toEqual([]);
    expect((await unopenableSecrets(h.database.db, null)).length).toBeGreaterThan(0);
  });

  it('POST /sync answers 202, records the request and signals mc_gateways in the same transaction', async () => {
    const gw = expectOk(await create({}), 201);
    const signals: GatewaysChangedSignal[] = [];
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    const unlisten = await h.database.listen(GATEWAYS_CHANNEL, (payload) => {
      const s = JSON.parse(payload) as GatewaysChangedSignal;
      signals.push(s);
      if (s.gatewayId === gw.id && s.change === 'sync') seen();
    });
    try {
      const r = expectOk(await h.call('POST', `/api/v1/gateways/${gw.id}/sync`, { key: team.admin.key }), 202);
      expect(r).toMatchObject({ gatewayId: gw.id, state: 'connecting', accepted: true });
      await arrived;
      expect(signals.find((s) => s.gatewayId === gw.id && s.change === 'sync')).toEqual({ gatewayId: gw.id, workspaceId: team.ws.id, change: 'sync' });
      const read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.owner.key }));
      expect(read.syncRequestedAt).toBe(r.syncRequestedAt);
    } finally {
      await unlisten();
    }
  });
});

describe('gateways: agents', () => {
  let gw: any;
  beforeEach(async () => {
    gw = expectOk(await create({}), 201);
  });

  it('add as agent: an active agent of the workspace, linked; the same hosted agent twice is 409 already_linked', async () => {
    const added = expectOk(await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.admin.key, body: { gatewayAgentId: 'main', name: uniq('Main') } }), 201);
    expect(added).toMatchObject({ workspaceId: team.ws.id, status: 'active', gatewayId: gw.id, gatewayAgentId: 'main' });
    const agent = expectOk(await h.call('GET', `/api/v1/agents/${added.agentId}`, { key: team.owner.key }));
    expect(agent.status).toBe('active');
    const again = await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.admin.key, body: { gatewayAgentId: 'main', name: uniq('Other') } });
    expect(expectError(again, 409, 'CONFLICT').details.reason).toBe('already_linked');
    expectError(await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.member.key, body: { gatewayAgentId: 'x' } }), 403, 'FORBIDDEN');
    const read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.member.key }));
    expect(read.linkedAgents).toEqual([{ agentId: added.agentId, agentName: added.name, gatewayAgentId: 'main' }]);
  });

  it('once the gateway listed its agents, only those can be added or linked; the name defaults from the hosted agent', async () => {
    const hostedName = uniq('Research Bot');
    await recordGatewayState(system(), gw.id, { state: 'connected', agents: [{ id: 'research', name: hostedName }] });
    const unknown = await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.admin.key, body: { gatewayAgentId: 'nope' } });
    expectError(unknown, 400, 'VALIDATION_ERROR');
    expect(issueFields(unknown)).toEqual(['gatewayAgentId']);
    const added = expectOk(await h.call('POST', `/api/v1/gateways/${gw.id}/agents`, { key: team.admin.key, body: { gatewayAgentId: 'research' } }), 201);
    expect(added.name).toBe(hostedName.replace(/ /g, '-'));
    const read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.viewer.key }));
    expect(read.agents).toEqual([{ id: 'research', name: hostedName, agentId: added.agentId, agentName: added.name }]);
  });

  it('link, relink, unlink an existing agent (workspace admins); one agent per hosted agent', async () => {
    const a = await activeAgent(h, team.owner.key, team.ws.id);
    const b = await activeAgent(h, team.owner.key, team.ws.id);
    const link = expectOk(await h.call('PUT', `/api/v1/agents/${a.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gw.id, gatewayAgentId: 'alpha' } }));
    expect(link).toEqual({ agentId: a.id, workspaceId: team.ws.id, gatewayId: gw.id, gatewayAgentId: 'alpha' });
    // Idempotent: the same link again is the same answer.
    expect(expectOk(await h.call('PUT', `/api/v1/agents/${a.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gw.id, gatewayAgentId: 'alpha' } }))).toEqual(link);
    const taken = await h.call('PUT', `/api/v1/agents/${b.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gw.id, gatewayAgentId: 'alpha' } });
    expect(expectError(taken, 409, 'CONFLICT').details.reason).toBe('already_linked');
    expectError(await h.call('PUT', `/api/v1/agents/${b.id}/gateway-link`, { key: team.member.key, body: { gatewayId: gw.id, gatewayAgentId: 'beta' } }), 403, 'FORBIDDEN');
    expectError(await h.call('PUT', `/api/v1/agents/${b.id}/gateway-link`, { key: b.key, body: { gatewayId: gw.id, gatewayAgentId: 'beta' } }), 403, 'FORBIDDEN');
    const relinked = expectOk(await h.call('PUT', `/api/v1/agents/${a.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gw.id, gatewayAgentId: 'beta' } }));
    expect(relinked.gatewayAgentId).toBe('beta');
    expectOk(await h.call('PUT', `/api/v1/agents/${b.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gw.id, gatewayAgentId: 'alpha' } }));
    const unlinked = expectOk(await h.call('DELETE', `/api/v1/agents/${a.id}/gateway-link`, { key: team.admin.key }));
    expect(unlinked).toEqual({ agentId: a.id, workspaceId: team.ws.id, gatewayId: null, gatewayAgentId: null });
    const read = expectOk(await h.call('GET', `/api/v1/gateways/${gw.id}`, { key: team.owner.key }));
    expect(read.linkedAgents).toEqual([{ agentId: b.id, agentName: b.name, gatewayAgentId: 'alpha' }]);
    const acts = await h.database.db.query.activity.findMany({ where: (x, { eq }) => eq(x.targetId, a.id) });
    expect(acts.map((x) => x.action)).toEqual(expect.arrayContaining(['agent.gateway_linked', 'agent.gateway_unlinked']));
  });
});

describe('gateways: without a secret key', () => {
  let bare: Harness;
  beforeAll(async () => {
    bare = await createHarness({ config: { secrets: null } });
  });
  afterAll(async () => bare?.close());
  afterEach(() => {});

  it('the app works; registering a gateway answers 503 secret_key_missing naming MC_SECRET_KEY, and nothing is stored', async () => {
    const ws = await createWorkspace(bare, bare.admin.key);
    expectOk(await bare.call('GET', `/api/v1/gateways?workspaceId=${ws.id}`, { key: bare.admin.key }));
    const r = await bare.call('POST', '/api/v1/gateways', { key: bare.admin.key, body: { workspaceId: ws.id, name: 'gw', url: 'wss://gw.example.com', token: TOKEN } });
    const err = expectError(r, 503, 'UNAVAILABLE');
    expect(err.details.reason).toBe('secret_key_missing');
    expect(err.message).toMatch(/MC_SECRET_KEY/);
    expect(await bare.database.db.query.gateways.findMany()).toEqual([]);
  });
});

describe('gateways: key rotation', () => {
  let rot: Harness;
  const oldRing = randomSecretKeyring();
  beforeAll(async () => {
    rot = await createHarness({ config: { secrets: oldRing } });
  });
  afterAll(async () => rot?.close());

  it('with the new key current and the old one previous, re-sealing moves every value to the new key; then the old key is not needed', async () => {
    const ws = await createWorkspace(rot, rot.admin.key);
    const gw = expectOk(await rot.call('POST', '/api/v1/gateways', { key: rot.admin.key, body: { workspaceId: ws.id, name: 'g', url: 'wss://gw.example.com', token: TOKEN } }), 201);
    const sys = rot.ctxFor({ kind: 'system', name: 'rotation' });
    await saveGatewayDeviceIdentity(sys, gw.id, 'DEVICE');
    const newRing = secretKeyring(randomSecretKeyring().current.key, [oldRing.current.key]);
    const rotated = { ...sys, config: { ...sys.config, secrets: newRing } };
    expect(await resealGatewaySecrets(rotated)).toBe(1);
    expect(await resealGatewaySecrets(rotated)).toBe(0);
    const row = (await rot.database.db.query.gateways.findFirst({ where: (g, { eq }) => eq(g.id, gw.id) }))!;
    expect(sealedKeyId(row.tokenCiphertext)).toBe(newRing.current.id);
    expect(sealedKeyId(row.deviceIdentityCiphertext!)).toBe(newRing.current.id);
    const onlyNew = { ...sys, config: { ...sys.config, secrets: secretKeyring(newRing.current.key) } };
    expect(await loadGatewayForConnection(onlyNew, gw.id)).toMatchObject({ token: TOKEN, deviceIdentity: 'DEVICE', openError: null });
    expect(await unopenableSecrets(rot.database.db, onlyNew.config.secrets)).toEqual([]);
    expect((await unopenableSecrets(rot.database.db, oldRing)).map((u) => u.keyId)).toEqual([newRing.current.id]);
  });
});
