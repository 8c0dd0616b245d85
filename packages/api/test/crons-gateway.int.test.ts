// Gateway-fired crons on a real database (issue 15 points 6-8, ADR 0020 wiring): the sync pass's database ports
// against a stand-in gateway store (the real gateway is in packages/openclaw's *.gateway.test.ts), the scheduler
// leaving gateway crons alone, one gateway target per cron, read-only and gateway-owned refusals, and the delivery
// webhook (its token, idempotency, an unknown job).
import { queryRaw } from '@mc/db';
import {
  checkMissedRuns,
  cronRunId,
  ensureWebhookToken,
  instanceTagFor,
  ManualClock,
  runSchedulerPass,
  syncGatewayCrons,
  type OpenClawJob,
} from '@mc/core';
import type { GatewayClient } from '../../openclaw/src/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGateway } from '../../core/src/crons/gateway-sync/fake-gateway.test-helpers';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { expectError, expectOk, issueFields } from './helpers';

const clock = new ManualClock(new Date('2027-01-10T11:59:00.000Z'));
let h: Harness;
let team: Team;
let gatewayId: string;
let gwAgent: { id: string; key: string };
let plainAgent: { id: string; key: string };

/** A GatewayClient over the stand-in store: the calls the wiring makes, nothing else. */
function clientOver(store: FakeGateway, config: { value: Record<string, unknown>; patches: number }, forcedRuns: string[] = []) {
  const request = async (method: string, params: any) => {
    if (method === 'cron.run') return (forcedRuns.push(params.id), { ok: true, ran: true });
    if (method === 'cron.add') return { created: true, job: store.add(params) };
    if (method === 'cron.update') return store.update(params.id, params.patch);
    if (method === 'cron.remove') return (store.remove(params.id), { ok: true });
    throw new Error(`unexpected ${method}`);
  };
  return {
    request,
    api: {
      cronListAll: async () => store.list(),
      cronRuns: async () => ({ entries: [] }),
      configGet: async () => ({ config: structuredClone(config.value), hash: `h${config.patches}` }),
      configPatch: async (p: { raw: string }) => {
        config.patches++;
        const patch = JSON.parse(p.raw) as { cron: Record<string, unknown> };
        config.value = { ...config.value, cron: { ...(config.value.cron as object), ...patch.cron } };
        return { ok: true };
      },
    },
  } as unknown as GatewayClient;
}

const system = () => h.ctxFor({ kind: 'system', name: 'gateway-cron' });
const q = async (text: string, params: unknown[]) => (await queryRaw<Record<string, any>>(h.database.db, `gwcron_test_${Math.random().toString(36).slice(2)}`, text, params)) as Record<string, any>[];
const cronRow = async (id: string) => (await q('SELECT * FROM crons WHERE id = $1', [id]))[0];
const runsOf = (cronId: string) => q('SELECT * FROM cron_runs WHERE cron_id = $1', [cronId]);
const cronBody = (agentId: string, extra: Record<string, unknown> = {}) => ({
  name: uniq('Gateway report'),
  schedule: '30 12 * * *',
  timezone: 'UTC',
  targets: [{ workspaceId: team.ws.id, agentId }],
  task: { title: 'Write the report', instructions: 'Summarise yesterday', labels: [], priority: 'medium', createTicket: false },
  ...extra,
});

beforeAll(async () => {
  h = await createHarness({ clock, config: { publicUrl: 'http://mc.test:5000' } });
  team = await createTeam(h);
  const gw = expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: 'ws://127.0.0.1:5090', token: 'gw-token' } }), 201);
  gatewayId = gw.id;
  gwAgent = await activeAgent(h, team.owner.key, team.ws.id);
  plainAgent = await activeAgent(h, team.owner.key, team.ws.id);
  expectOk(await h.call('PUT', `/api/v1/agents/${gwAgent.id}/gateway-link`, { key: team.owner.key, body: { gatewayId, gatewayAgentId: 'main' } }));
});
afterAll(async () => {
  await h?.close();
});

describe('gateway crons: the API', () => {
  it('a cron targeting a gateway agent has that one target, belongs to the gateway, waits for its sync', async () => {
    const both = await h.call('POST', '/api/v1/crons', {
      key: team.owner.key,
      body: cronBody(gwAgent.id, { targets: [{ workspaceId: team.ws.id, agentId: plainAgent.id }, { workspaceId: team.ws.id, agentId: gwAgent.id }] }),
    });
    expectError(both, 400, 'VALIDATION_ERROR');
    expect(issueFields(both)).toEqual(['targets.1.agentId']);
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id) }), 201);
    expect(c).toMatchObject({ owner: 'mission_control', gatewayId, readOnly: false, missedRunPolicy: 'record', sync: { state: 'pending', conflict: null } });
    expect(c.can).toMatchObject({ edit: true, run: false, delete: true, setMissedRunPolicy: true });
    // Moving it off its gateway (or a plain cron onto one) is refused.
    const moved = await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { targets: [{ workspaceId: team.ws.id, agentId: plainAgent.id }] } });
    expectError(moved, 400, 'VALIDATION_ERROR');
    const plain = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(plainAgent.id) }), 201);
    expect(plain.sync).toBeNull();
    expectError(await h.call('PATCH', `/api/v1/crons/${plain.id}`, { key: team.owner.key, body: { missedRunPolicy: 'force_run' } }), 400, 'VALIDATION_ERROR');
    // Run now is the gateway's.
    expectError(await h.call('POST', `/api/v1/crons/${c.id}/run`, { key: team.owner.key }), 409, 'CONFLICT');
    const policy = expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { missedRunPolicy: 'force_run' } }));
    expect(policy.missedRunPolicy).toBe('force_run');
    expectError(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { resolveConflict: 'gateway' } }), 409, 'CONFLICT');
  });

  it('the scheduler never fires a gateway cron; it fires the plain one due at the same slot', async () => {
    const g = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id, { schedule: '0 12 * * *' }) }), 201);
    const p = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(plainAgent.id, { schedule: '0 12 * * *' }) }), 201);
    clock.set(new Date('2027-01-10T12:00:05.000Z'));
    await runSchedulerPass(system());
    expect(await runsOf(g.id)).toEqual([]);
    expect((await runsOf(p.id)).length).toBe(1);
    clock.set(new Date('2027-01-10T11:59:00.000Z'));
  });
});

describe('gateway crons: the sync pass with its database ports', () => {
  const store = new FakeGateway(Date.parse('2027-01-10T11:59:00.000Z'));
  const config = { value: {} as Record<string, unknown>, patches: 0 };
  let client: GatewayClient;
  beforeAll(() => {
    client = clientOver(store, config);
  });

  it('adds Mission Control crons as jobs, imports the gateway jobs it can target, notes the others, and converges', async () => {
    store.add({ name: 'Made on the gateway', agentId: 'main', enabled: true, schedule: { kind: 'cron', expr: '15 8 * * *', tz: 'UTC', staggerMs: 0 }, sessionTarget: 'isolated', wakeMode: 'now', payload: { kind: 'agentTurn', message: 'Check\n\nthe inbox' }, delivery: { mode: 'none' } });
    store.add({ name: 'Other agent job', agentId: 'ops', enabled: true, schedule: { kind: 'every', everyMs: 3_600_000 }, sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'ops' }, delivery: { mode: 'none' } });
    store.add({ name: 'heartbeat', declarationKey: 'heartbeat:main', agentId: 'main', enabled: true, schedule: { kind: 'every', everyMs: 1_800_000 }, payload: { kind: 'heartbeat' } });
    const first = await syncGatewayCrons(system(), gatewayId, client);
    expect(first?.failed).toBe(0);
    // The webhook settings went to the gateway's config once, the token sealed at rest.
    expect(config.patches).toBe(1);
    const token = await ensureWebhookToken(system(), gatewayId);
    expect((config.value.cron as Record<string, unknown>).webhookToken).toBe(token);
    expect((config.value.cron as any).webhookSsrfPolicy.allowedHostnames).toEqual(['mc.test']);
    const [g] = await q('SELECT * FROM gateways WHERE id = $1', [gatewayId]);
    expect(g.webhook_token_ciphertext).toMatch(/^mcs1\./);
    expect(g.webhook_token_ciphertext).not.toContain(token!);
    expect((g.cron_sync_notes as { name: string }[]).map((n) => n.name)).toEqual(['Other agent job']);
    // Mission Control's crons are jobs with its key and delivery.
    const ours = store.jobs.filter((j) => String(j.declarationKey ?? '').startsWith(`mission-control:${instanceTagFor(gatewayId)}:`));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(ours[0].delivery).toEqual({ mode: 'webhook', to: `http://mc.test:5000/api/v1/gateways/${gatewayId}/cron-deliveries` });
    // The gateway's job is a cron owned by the gateway, targeting the linked agent; the heartbeat is read-only.
    const list = expectOk(await h.call('GET', `/api/v1/crons?workspaceId=${team.ws.id}&limit=100`, { key: team.owner.key })) as any[];
    const imported = list.find((c) => c.name === 'Made on the gateway');
    expect(imported).toMatchObject({ owner: 'gateway', gatewayId, schedule: '15 8 * * *', targets: [{ agentId: gwAgent.id }], sync: { state: 'ok' }, readOnly: false });
    expect(imported.task).toMatchObject({ title: 'Check', instructions: 'the inbox' });
    expect(imported.can.delete).toBe(false);
    const heartbeat = list.find((c) => c.name === 'heartbeat');
    expect(heartbeat).toMatchObject({ owner: 'gateway', readOnly: true, can: { edit: false, run: false, delete: false } });
    expectError(await h.call('PATCH', `/api/v1/crons/${heartbeat.id}`, { key: team.owner.key, body: { name: 'mine now' } }), 409, 'CONFLICT');
    expectError(await h.call('DELETE', `/api/v1/crons/${heartbeat.id}`, { key: team.owner.key }), 409, 'CONFLICT');
    expectError(await h.call('DELETE', `/api/v1/crons/${imported.id}`, { key: team.owner.key }), 409, 'CONFLICT');
    // Its missed-run policy is Mission Control's own, read-only or not.
    expectOk(await h.call('PATCH', `/api/v1/crons/${heartbeat.id}`, { key: team.owner.key, body: { missedRunPolicy: 'force_run' } }));
    // Again: nothing to do but try the noted job once more (imported once an agent is linked), no second config write.
    const again = await syncGatewayCrons(system(), gatewayId, client);
    expect(again?.plan.actions.map((a) => [a.type, 'jobId' in a ? a.jobId : null])).toEqual([['import_to_mc', store.jobs.find((j) => j.name === 'Other agent job')!.id]]);
    expect(config.patches).toBe(1);
  });

  it('edits and deletions on each side reconcile; an edit on both sides is a conflict until resolved', async () => {
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id, { name: uniq('Two-way') }) }), 201);
    await syncGatewayCrons(system(), gatewayId, client);
    const job = () => store.jobs.find((j) => j.declarationKey?.endsWith(`:${c.id}`)) as OpenClawJob;
    expect(job().name).toBe(c.name);
    // Mission Control edits → the job follows.
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { schedule: '45 7 * * *' } }));
    expect((await cronRow(c.id)).sync_state).toBe('pending');
    await syncGatewayCrons(system(), gatewayId, client);
    expect(job().schedule).toMatchObject({ kind: 'cron', expr: '45 7 * * *', tz: 'UTC' });
    expect((await cronRow(c.id)).sync_state).toBe('ok');
    // The gateway edits → the cron follows.
    store.update(job().id, { name: 'Renamed on the gateway' });
    await syncGatewayCrons(system(), gatewayId, client);
    expect((await cronRow(c.id)).name).toBe('Renamed on the gateway');
    // Both edit → conflict, nothing written; resolved for Mission Control → the job takes its content.
    store.update(job().id, { name: 'Gateway side' });
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { name: 'Mission Control side' } }));
    await syncGatewayCrons(system(), gatewayId, client);
    const conflicted = expectOk(await h.call('GET', `/api/v1/crons/${c.id}`, { key: team.owner.key }));
    expect(conflicted.sync).toMatchObject({ state: 'conflict', conflict: expect.stringContaining('changed_on_both_sides') });
    expect(job().name).toBe('Gateway side');
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { resolveConflict: 'mission_control' } }));
    await syncGatewayCrons(system(), gatewayId, client);
    expect(job().name).toBe('Mission Control side');
    expect((await cronRow(c.id)).sync_state).toBe('ok');
    // Deleted in Mission Control → removed from the gateway.
    expectOk(await h.call('DELETE', `/api/v1/crons/${c.id}`, { key: team.owner.key }));
    const jobId = job().id;
    await syncGatewayCrons(system(), gatewayId, client);
    expect(store.jobs.find((j) => j.id === jobId)).toBeUndefined();
    // Removed on the gateway → deleted here.
    const imported = (await q('SELECT * FROM crons WHERE gateway_id = $1', [gatewayId])).find((r) => r.name === 'Made on the gateway')!;
    store.remove(imported.gateway_job_id);
    await syncGatewayCrons(system(), gatewayId, client);
    expect(await cronRow(imported.id)).toBeUndefined();
  });
});

describe('gateway crons: the delivery webhook', () => {
  const deliver = (body: Record<string, unknown>, token: string | null) =>
    h.call('POST', `/api/v1/gateways/${gatewayId}/cron-deliveries`, { body, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('takes only the gateway token; records the finished run once under the scheduler id of its slot; ignores unknown jobs', async () => {
    const token = (await ensureWebhookToken(system(), gatewayId))!;
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id, { name: uniq('Delivered'), schedule: '0 13 * * *' }) }), 201);
    const config = { value: {} as Record<string, unknown>, patches: 0 };
    const store = new FakeGateway();
    await syncGatewayCrons(system(), gatewayId, clientOver(store, config));
    const gatewayJobId = (await cronRow(c.id)).gateway_job_id as string;
    expect(gatewayJobId).toBeTruthy();
    const runAtMs = Date.parse('2027-01-10T13:00:01.500Z');
    const body = { jobId: gatewayJobId, action: 'finished', status: 'ok', summary: 'All done', runAtMs, durationMs: 4200, runId: `cron:${gatewayJobId}:${runAtMs}`, usage: { input: 10, output: 5 } };
    expectError(await deliver(body, null), 401, 'UNAUTHENTICATED');
    expectError(await deliver(body, `${token.slice(0, -1)}x`), 401, 'UNAUTHENTICATED');
    expectError(await deliver(body, team.owner.key), 401, 'UNAUTHENTICATED');
    const expected = cronRunId(c.id, new Date('2027-01-10T13:00:00.000Z'), gwAgent.id);
    expect(expectOk(await deliver(body, token))).toEqual({ accepted: true, runId: expected });
    expect(expectOk(await deliver(body, token))).toEqual({ accepted: true, runId: expected });
    const runs = await runsOf(c.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: expected, status: 'success', output: 'All done', trigger: 'schedule', workspace_id: team.ws.id });
    expect(Number(runs[0].duration_ms)).toBe(4200);
    const seen = expectOk(await h.call('GET', `/api/v1/crons/${c.id}/runs`, { key: team.owner.key })) as any[];
    expect(seen.map((r) => r.id)).toEqual([expected]);
    // A job no cron holds: 200, nothing recorded.
    expect(expectOk(await deliver({ ...body, jobId: 'job-gone' }, token))).toEqual({ accepted: false, runId: null });
    // Another gateway's token does not open this one.
    const other = expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: 'ws://127.0.0.1:5091', token: 'x' } }), 201);
    const otherToken = (await ensureWebhookToken(system(), other.id))!;
    expectError(await deliver(body, otherToken), 401, 'UNAUTHENTICATED');
  });
});

describe('gateway crons: the missed-run report', () => {
  it("lists the gateway's missed runs and the jobs not synced, to those who read the gateway only", async () => {
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id, { name: uniq('Missed'), schedule: '@every 1h' }) }), 201);
    const store = new FakeGateway();
    store.add({ name: 'Unlinked agent job', agentId: 'nobody', enabled: true, schedule: { kind: 'every', everyMs: 3_600_000 }, sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'x' }, delivery: { mode: 'none' } });
    store.jobs[0].id = 'job-unlinked'; // the stand-in numbers jobs from 1: not one of an earlier store's ids
    const res = await syncGatewayCrons(system(), gatewayId, clientOver(store, { value: {}, patches: 0 }));
    expect(res?.failed).toBe(0);
    const slot = new Date('2027-01-10T10:00:00.000Z');
    await q("INSERT INTO cron_runs (id, cron_id, workspace_id, agent_id, slot, status, reason) VALUES ($1, $2, $3, $4, $5, 'missed', 'GATEWAY_MISSED')", [cronRunId(c.id, slot, gwAgent.id), c.id, team.ws.id, gwAgent.id, slot.toISOString()]);
    const report = expectOk(await h.call('GET', `/api/v1/gateways/${gatewayId}/missed-runs`, { key: team.viewer.key }));
    expect(report.runs).toContainEqual(expect.objectContaining({ cronId: c.id, cronName: c.name, slot: slot.toISOString(), agentId: gwAgent.id }));
    expect(report.notSynced.map((n: { name: string }) => n.name)).toEqual(['Unlinked agent job']);
    const outsider = await createTeam(h);
    expectError(await h.call('GET', `/api/v1/gateways/${gatewayId}/missed-runs`, { key: outsider.owner.key }), 404, 'NOT_FOUND');
  });
});

describe('gateway crons: missed slots', () => {
  it('records the slots the gateway did not run once, tells the admins once per streak, force-runs the latest under force_run', async () => {
    const store = new FakeGateway();
    const forcedRuns: string[] = [];
    const client = clientOver(store, { value: {}, patches: 0 }, forcedRuns);
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody(gwAgent.id, { name: uniq('Hourly'), schedule: '@every 1h', missedRunPolicy: undefined }) }), 201);
    await syncGatewayCrons(system(), gatewayId, client);
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { missedRunPolicy: 'force_run' } }));
    // The cron has been on the gateway since 07:59; no start was seen since: 08:00 … 11:00 were missed (11:59 now).
    await q("UPDATE crons SET created_at = '2027-01-10T07:59:00Z' WHERE id = $1", [c.id]);
    const first = (await checkMissedRuns(system(), gatewayId, client)).find((x) => x.cronId === c.id)!;
    expect(first).toMatchObject({ missed: 4, recorded: 4, notify: true });
    const missed = await q("SELECT slot FROM cron_runs WHERE cron_id = $1 AND status = 'missed' ORDER BY slot", [c.id]);
    expect(missed.map((r) => new Date(r.slot).toISOString())).toEqual(['08', '09', '10', '11'].map((hh) => `2027-01-10T${hh}:00:00.000Z`));
    // 11:00 is under 15 minutes old? No (59 minutes): a stale catch-up is not forced.
    expect(forcedRuns).toEqual([]);
    const notes = expectOk(await h.call('GET', '/api/v1/notifications?limit=100', { key: team.owner.key })) as any[];
    expect(notes.filter((n) => n.type === 'cron_missed' && n.content.includes(c.name))).toHaveLength(1);
    // The next slot (12:00) missed too, judged two minutes after its grace: recorded and forced, no second notice.
    clock.set(new Date('2027-01-10T12:05:00.000Z'));
    const second = (await checkMissedRuns(system(), gatewayId, client)).find((x) => x.cronId === c.id)!;
    expect(second).toMatchObject({ missed: 1, recorded: 1, notify: false, forced: true });
    expect(forcedRuns).toEqual([(await cronRow(c.id)).gateway_job_id]);
    expect((await cronRow(c.id)).missed_streak).toBe(5);
    // Judging again records nothing twice.
    await q('UPDATE crons SET missed_resume_at = NULL WHERE id = $1', [c.id]);
    await checkMissedRuns(system(), gatewayId, client);
    expect((await q("SELECT id FROM cron_runs WHERE cron_id = $1 AND status = 'missed'", [c.id])).length).toBe(5);
    const notes2 = expectOk(await h.call('GET', '/api/v1/notifications?limit=100', { key: team.owner.key })) as any[];
    expect(notes2.filter((n) => n.type === 'cron_missed' && n.content.includes(c.name))).toHaveLength(1);
    clock.set(new Date('2027-01-10T11:59:00.000Z'));
  });
});
