// Gateway cron sync against a real OpenClaw gateway (issue 15 points 6-7, ADR 0020): ONE gateway for this file,
// PGlite behind Mission Control (the database ports run on both databases in crons-gateway.int.test.ts).
// `gatewayCronHandlers` is driven with a GatewayClient connected to the fixture, as the runtime drives it; Mission
// Control's API is served over HTTP on a loopback port so that the gateway can deliver finished runs to it.
// Run alone: `npx vitest run -c vitest.openclaw.config.ts packages/api/test/crons-gateway.gateway.test.ts`.
import http from 'node:http';
import { checkMissedRuns, gatewayCronHandlers, gatewayCronIdle, type OpenClawJob } from '@mc/core';
import { queryRaw } from '@mc/db';
import { until } from '@mc/db/testing';
import { GatewayClient } from '../../openclaw/src/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../../openclaw/test/gateway-fixture';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { expectOk } from './helpers';

const PORT = Number(process.env.MC_CRON_GATEWAY_TEST_PORT ?? 5042);
let fixture: GatewayFixture;
let h: Harness;
let team: Team;
let server: http.Server;
let client: GatewayClient;
let gatewayId: string;
let agentId: string;
const deliveries: { status: number; body: string }[] = [];

const system = () => h.ctxFor({ kind: 'system', name: 'gateway-cron' });
const q = async (text: string, params: unknown[]) => (await queryRaw<Record<string, any>>(h.database.db, `gwcron_gw_${Math.random().toString(36).slice(2)}`, text, params)) as Record<string, any>[];
const cronRow = async (id: string) => (await q('SELECT * FROM crons WHERE id = $1', [id]))[0];
const jobs = async () => (await client.api.cronListAll({ includeDisabled: true })) as OpenClawJob[];
const sync = async () => {
  await gatewayCronHandlers.onSyncRequested!(system(), gatewayId, client);
  await gatewayCronIdle(gatewayId);
};

beforeAll(async () => {
  fixture = await startGatewayFixture({ stub: { reply: 'cron run done' } });
  h = await createHarness({ config: { publicUrl: `http://127.0.0.1:${PORT}` } });
  // Mission Control's API on a loopback port (the gateway POSTs its cron deliveries there).
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      const r = await h.app.app.request(`http://127.0.0.1:${PORT}${req.url}`, { method: req.method, headers, body: body || undefined });
      const text = await r.text();
      if (req.url?.includes('/cron-deliveries')) deliveries.push({ status: r.status, body: text });
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  team = await createTeam(h);
  const gw = expectOk(await h.call('POST', '/api/v1/gateways', { key: h.admin.key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: fixture.url, token: fixture.token } }), 201);
  gatewayId = gw.id;
  const agent = await activeAgent(h, team.owner.key, team.ws.id);
  agentId = agent.id;
  expectOk(await h.call('PUT', `/api/v1/agents/${agentId}/gateway-link`, { key: team.owner.key, body: { gatewayId, gatewayAgentId: 'main' } }));
  client = new GatewayClient({ url: fixture.url, token: fixture.token, backoff: { initialMs: 200, maxMs: 2_000 } }).start();
  await client.ready({ timeoutMs: 120_000 });
  client.on('event', (e) => gatewayCronHandlers.onEvent!(system(), gatewayId, e, client));
  await gatewayCronHandlers.onConnected!(system(), gatewayId, client);
  await gatewayCronIdle(gatewayId);
}, 400_000);

afterAll(async () => {
  gatewayCronHandlers.onDisconnected?.(system(), gatewayId);
  await client?.close();
  await new Promise((r) => server?.close(r));
  await h?.close();
  await fixture?.stop();
});

const cronBody = (extra: Record<string, unknown> = {}) => ({
  name: uniq('From Mission Control'),
  schedule: '0 3 * * *',
  timezone: 'UTC',
  targets: [{ workspaceId: team.ws.id, agentId }],
  task: { title: 'Nightly check', instructions: 'Check the inbox', labels: [], priority: 'medium', createTicket: false },
  ...extra,
});

describe('gateway crons against a real gateway', () => {
  it('the gateway takes the webhook settings; the built-in jobs show read-only', async () => {
    const cfg = await client.api.configGet();
    const cron = (cfg.config as any)?.cron;
    expect(cron?.webhookSsrfPolicy?.allowedHostnames).toContain('127.0.0.1');
    expect(typeof cron?.webhookToken === 'string' || typeof cron?.webhookToken === 'object').toBe(true);
    const list = expectOk(await h.call('GET', `/api/v1/crons?workspaceId=${team.ws.id}&limit=100`, { key: team.owner.key })) as any[];
    for (const c of list.filter((c) => c.owner === 'gateway')) expect(c.readOnly || c.can.delete === false).toBe(true);
  });

  it('edits and deletions on each side reconcile', async () => {
    // Made in Mission Control → a job with its key.
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody() }), 201);
    await sync();
    const ours = () => jobs().then((js) => js.find((j) => String(j.declarationKey ?? '').endsWith(`:${c.id}`)));
    const job = await ours();
    expect(job).toMatchObject({ name: c.name, agentId: 'main', enabled: true, schedule: { kind: 'cron', expr: '0 3 * * *', tz: 'UTC' }, delivery: { mode: 'webhook' } });
    expect((await cronRow(c.id)).sync_state).toBe('ok');
    // Made on the gateway → a cron owned by the gateway, targeting the linked agent.
    const added = await client.api.cronAdd({
      name: 'Made with cron.add',
      agentId: 'main',
      enabled: true,
      schedule: { kind: 'cron', expr: '0 4 * * *', tz: 'UTC' },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'Gateway task\n\nDo it' },
      delivery: { mode: 'none' },
    } as any);
    await sync();
    const [imported] = await q('SELECT * FROM crons WHERE gateway_id = $1 AND gateway_job_id = $2', [gatewayId, added.id]);
    expect(imported).toMatchObject({ owner: 'gateway', name: 'Made with cron.add', schedule: '0 4 * * *', sync_state: 'ok' });
    // Edited here → there; edited there → here.
    expectOk(await h.call('PATCH', `/api/v1/crons/${c.id}`, { key: team.owner.key, body: { name: 'Renamed in Mission Control' } }));
    await sync();
    expect((await ours())?.name).toBe('Renamed in Mission Control');
    await client.api.cronUpdate(added.id, { name: 'Renamed on the gateway' } as any);
    await sync();
    expect((await cronRow(imported.id)).name).toBe('Renamed on the gateway');
    // Deleted here → removed there; removed there → deleted here.
    expectOk(await h.call('DELETE', `/api/v1/crons/${c.id}`, { key: team.owner.key }));
    await sync();
    expect(await ours()).toBeUndefined();
    await client.api.cronRemove(added.id);
    await sync();
    expect(await cronRow(imported.id)).toBeUndefined();
  });

  it("a forced run's result arrives through the delivery webhook, on one run", async () => {
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody({ schedule: '0 5 * * *' }) }), 201);
    await sync();
    const jobId = (await cronRow(c.id)).gateway_job_id as string;
    expect(jobId).toBeTruthy();
    await client.api.cronRun(jobId, 'force');
    const delivered = await until('the delivery webhook', 150_000, async () => deliveries.find((d) => d.status === 200 && d.body.includes('"accepted":true')));
    const runId = JSON.parse(delivered.body).data.runId as string;
    const runs = await q('SELECT * FROM cron_runs WHERE cron_id = $1', [c.id]);
    expect(runs.map((r) => r.id)).toEqual([runId]);
    expect(runs[0]).toMatchObject({ status: 'success', agent_id: agentId, workspace_id: team.ws.id });
    expect(String(runs[0].output)).toContain('cron run done');
    expect(Number(runs[0].duration_ms)).toBeGreaterThan(0);
  });

  it('slots the gateway did not run are recorded missed, once', async () => {
    const c = expectOk(await h.call('POST', '/api/v1/crons', { key: team.owner.key, body: cronBody({ schedule: '@every 1m' }) }), 201);
    await sync();
    // The job exists on the gateway from now on: the ten minutes before are slots it never ran (as if it was down).
    await q("UPDATE crons SET created_at = now() - interval '10 minutes' WHERE id = $1", [c.id]);
    const first = await checkMissedRuns(system(), gatewayId, client);
    const mine = first.find((x) => x.cronId === c.id)!;
    expect(mine.missed).toBeGreaterThanOrEqual(7);
    expect(mine.notify).toBe(true);
    const missed = await q("SELECT * FROM cron_runs WHERE cron_id = $1 AND status = 'missed'", [c.id]);
    expect(missed.length).toBe(mine.recorded);
    expect(missed.every((r) => r.reason === 'GATEWAY_MISSED')).toBe(true);
    // Checking again judges nothing twice.
    await q('UPDATE crons SET missed_resume_at = NULL WHERE id = $1', [c.id]);
    await checkMissedRuns(system(), gatewayId, client);
    expect((await q("SELECT id FROM cron_runs WHERE cron_id = $1 AND status = 'missed'", [c.id])).length).toBe(missed.length);
    expect((await cronRow(c.id)).missed_streak).toBeGreaterThanOrEqual(7);
  });
});
