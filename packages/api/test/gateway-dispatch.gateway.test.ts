// The gateway dispatch channel against a real OpenClaw gateway (pinned 2026.9.6, stub model; one gateway for the
// file): a ticket dispatched over REST to a gateway-linked agent is queued (the request answers without the
// gateway), the owner's handlers (gatewayDispatchHandlers, driven here with a GatewayClient connected to the
// fixture, as the runtime would) send it and follow its events, and the execution finishes with the stub model's
// reply and usage; a model failure fails it; a gateway killed mid-run fails it cleanly after the restart.
// Databases: PGlite, and PostgreSQL too when TEST_DATABASE_URL (or MC_GATEWAY_TEST_DATABASE_URL) is set — one
// gateway for the file, each database's suite against it (gatewayTestDatabases).
// Run: node scripts/openclaw-install.mjs && npx vitest run --config vitest.openclaw.config.ts packages/api/test/gateway-dispatch.gateway.test.ts
import { GatewayClient, gatewayDispatchHandlers, gatewayDispatchIdle, type Ctx, type GatewayEvent } from '@mc/core';
import { gatewayTestDatabases } from '@mc/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../../openclaw/test/gateway-fixture';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { expectOk } from './helpers';

let gw: GatewayFixture;
let client: GatewayClient;
/** Every `agent` request this process sent (idempotency keys), to show what is never sent again. */
const agentSends: string[] = [];

beforeAll(async () => {
  gw = await startGatewayFixture({ port: Number(process.env.MC_OPENCLAW_TEST_PORT ?? 4950) });
  client = new GatewayClient({ url: gw.url, token: gw.token, backoff: { initialMs: 200, maxMs: 2_000 } }).start();
  await client.ready({ timeoutMs: 60_000 });
  const request = client.request.bind(client);
  client.request = ((method: string, params?: any, opts?: any) => {
    if (method === 'agent') agentSends.push(String(params?.idempotencyKey));
    return request(method, params, opts);
  }) as typeof client.request;
});

afterAll(async () => {
  await client?.close();
  if (gw) console.log(`openclaw ${gw.version} gateway ready after ${gw.startTimesMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  await gw?.stop();
});

const runEnd = (runId: string) => (e: GatewayEvent) => {
  const p = e.payload as any;
  return e.event === 'agent' && p?.runId === runId && p.stream === 'lifecycle' && (p.data?.phase === 'end' || p.data?.phase === 'error');
};

for (const db of gatewayTestDatabases()) {
  describe(`dispatch to a gateway agent (${db.kind})`, () => {
    let h: Harness;
    let team: Team;
    let gatewayId: string;
    let agentId: string;
    let owner: Ctx;
    const onEvent = (e: GatewayEvent) => gatewayDispatchHandlers.onEvent!(owner, gatewayId, e, client);

    beforeAll(async () => {
      h = await createHarness({ postgresUrl: db.postgresUrl, config: { publicUrl: 'http://mc.test' } });
      team = await createTeam(h);
      // The gateway row is what links the agent; the handlers are handed the connection (as the runtime hands it).
      gatewayId = expectOk(await h.call('POST', '/api/v1/gateways', { key: team.owner.key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: 'wss://gw.example.com', token: gw.token } }), 201).id;
      const agent = await activeAgent(h, team.owner.key, team.ws.id);
      agentId = agent.id;
      expectOk(await h.call('PUT', `/api/v1/agents/${agent.id}/gateway-link`, { key: team.owner.key, body: { gatewayId, gatewayAgentId: 'helper' } }));
      owner = h.ctxFor({ kind: 'system', name: 'gateway-runtime' });
      client.on('event', onEvent);
    });

    afterAll(async () => {
      client?.off('event', onEvent);
      await gatewayDispatchIdle(gatewayId);
      await h?.close();
    });

    const execution = async (id: string) => expectOk(await h.call('GET', `/api/v1/executions/${id}`, { key: team.owner.key }));

    async function dispatchNew(title: string) {
      const ticket = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title } }), 201);
      const answer = expectOk(await h.call('POST', `/api/v1/tickets/${ticket.id}/dispatch`, { key: team.member.key, body: { agentId } }), 202);
      expect(answer.channel).toBe('gateway');
      // The request answered without the gateway: nothing was sent yet.
      expect((await execution(answer.executionId)).gateway.state).toBe('queued');
      return { ticket, executionId: answer.executionId as string };
    }

    it('the run finishes with the stub reply and its usage; the ticket gets the comment', async () => {
      gw.stub.configure({ mode: 'ok', reply: 'Handled by the gateway agent.' });
      const { ticket, executionId } = await dispatchNew('Summarise the incident');
      const ended = client.waitForEvent(runEnd(executionId), { timeoutMs: 150_000 });
      await gatewayDispatchHandlers.onWork!(owner, gatewayId, client);
      expect((await execution(executionId)).gateway).toMatchObject({ state: expect.stringMatching(/sent|running|finished/), runId: executionId });
      await ended;
      await gatewayDispatchIdle(gatewayId);
      const e = await execution(executionId);
      expect(e).toMatchObject({ status: 'success', tokensIn: gw.stub.usage.prompt_tokens, tokensOut: gw.stub.usage.completion_tokens, gateway: { state: 'finished' } });
      expect(e.summary).toContain('Handled by the gateway agent.');
      const comments = expectOk(await h.call('GET', `/api/v1/tickets/${ticket.id}/comments`, { key: team.owner.key }));
      expect(comments.map((c: { body: string }) => c.body).join('\n')).toContain('Handled by the gateway agent.');
      // The model saw the ticket and how to report back (the run token, not the agent's key).
      const seen = gw.stub.requests.at(-1)!.allText;
      expect(seen).toContain('Summarise the incident');
      expect(seen).toMatch(/mc_run_/);
      expect(seen).not.toMatch(/mc_agt_/);
    });

    it('a stub model failure fails the execution', async () => {
      gw.stub.configure({ mode: 'error' });
      const { executionId } = await dispatchNew('This one breaks');
      const ended = client.waitForEvent(runEnd(executionId), { timeoutMs: 240_000 }).catch(() => null);
      await gatewayDispatchHandlers.onWork!(owner, gatewayId, client);
      await ended;
      await gatewayDispatchIdle(gatewayId);
      let e = await execution(executionId);
      if (e.status === 'running') {
        // No lifecycle end seen: what agent.wait says decides (the owner's tick does this).
        await client.api.agentWait({ runId: executionId, timeoutMs: 120_000 });
        await gatewayDispatchHandlers.onConnected!(owner, gatewayId, client);
        e = await execution(executionId);
      }
      expect(e).toMatchObject({ status: 'failed', gateway: { state: 'finished' } });
    }, 420_000);

    it('gateway killed mid-run: no request waited; after the restart the run is failed cleanly, not sent again', async () => {
      gw.stub.configure({ mode: 'hang' });
      const modelCalled = gw.stub.nextRequest();
      const { ticket, executionId } = await dispatchNew('Cut off mid-run');
      await gatewayDispatchHandlers.onWork!(owner, gatewayId, client);
      await modelCalled;
      const before = gw.stub.requests.length;
      expect(agentSends.filter((k) => k === executionId)).toHaveLength(1);
      await gw.kill({ hard: true });
      // A dispatch while the gateway is down still answers at once (queued).
      const queued = await dispatchNew('Sent after the restart');
      gw.stub.configure({ mode: 'ok', reply: 'after restart' });
      await gw.start();
      await client.ready({ timeoutMs: 120_000 });
      await gatewayDispatchHandlers.onConnected!(owner, gatewayId, client);
      const e = await execution(executionId);
      expect(e.status).toBe('failed');
      expect(e.summary).toContain('restarted');
      expect((await h.call('GET', `/api/v1/tickets/${ticket.id}`, { key: team.owner.key })).body.data.status).toBe('todo');
      // The never-sent one goes now; the lost one is not resent.
      const ended = client.waitForEvent(runEnd(queued.executionId), { timeoutMs: 150_000 });
      await gatewayDispatchHandlers.onWork!(owner, gatewayId, client);
      await ended;
      await gatewayDispatchIdle(gatewayId);
      expect(await execution(queued.executionId)).toMatchObject({ status: 'success' });
      expect(agentSends.filter((k) => k === executionId)).toHaveLength(1); // never sent again by us
      // An observation, not ours to assert: whether the gateway itself replayed the interrupted turn after its restart.
      const replayed = gw.stub.requests.slice(before).filter((r) => r.allText.includes('Cut off mid-run')).length;
      console.log(`model calls with the interrupted run's message after the restart (made by the gateway itself): ${replayed}`);
      // Its events (if any) found the execution finished and changed nothing.
      expect(await execution(executionId)).toMatchObject({ status: 'failed', gateway: { state: 'finished' } });
    }, 600_000);
  });
}
