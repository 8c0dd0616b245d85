// The recorded scenario of the v1 compatibility test: one pass over the main resources, as their owners use them,
// through the real app on a real database. Each call's answer is kept as its status and the shape of its body.
//
// It runs as the instance admin (who owns the workspace) and that workspace's agents, so that rules about what other
// callers may see or do can change without touching it. Calls are sequential and use no timers: the same code gives
// the same shapes on PGlite and PostgreSQL. Add calls freely (new keys only add to the baseline); changing or removing
// one is a change to the baseline, to record on purpose (see v1-compat.int.test.ts).
import { deliverDueWebhooks, dispatchWebhookEvents } from '@mc/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerShape, type Answer } from './contract';
import type { CallOptions, CallResult, Harness } from '../harness';
import { uniq } from '../harness';

export interface Recorder {
  /** Call the app and keep the answer under `METHOD /path/{template}`, plus ` — label` when one operation is recorded twice. */
  call(method: string, path: string, opts?: CallOptions & { label?: string }): Promise<CallResult>;
  answers: Record<string, Answer>;
}

export function recorder(h: Harness): Recorder {
  const answers: Record<string, Answer> = {};
  return {
    answers,
    async call(method, path, opts = {}) {
      const { label, ...callOpts } = opts;
      const bare = path.split('?')[0];
      const route = h.app.builder.routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(bare));
      const key = `${method.toUpperCase()} ${route?.path ?? bare}${label ? ` — ${label}` : ''}`;
      if (answers[key]) throw new Error(`the scenario records ${key} twice: give one of the calls a label`);
      const r = await h.call(method, path, callOpts);
      answers[key] = { status: r.status, shape: answerShape(r.body) };
      return r;
    },
  };
}

/**
 * The data of a step the next steps build on. A changed status is not a reason to stop (the comparison reports it);
 * an answer without data is: what follows could not run.
 */
function need(r: CallResult, status: number): any {
  if (r.body?.success === true && r.body.data !== undefined) return r.body.data;
  throw new Error(`a step the scenario builds on answered ${r.status} (recorded: ${status}) without data: ${JSON.stringify(r.body)}`);
}

export interface ScenarioResult {
  answers: Record<string, Answer>;
  /** Why the scenario stopped early, if it did: the answers recorded up to there are still compared. */
  stoppedBy?: string;
}

export async function runScenario(h: Harness): Promise<ScenarioResult> {
  const rec = recorder(h);
  try {
    await scenario(h, rec);
    return { answers: rec.answers };
  } catch (err) {
    return { answers: rec.answers, stoppedBy: err instanceof Error ? err.message : String(err) };
  }
}

async function scenario(h: Harness, rec: Recorder) {
  const admin = h.admin.key;
  const as = (key: string) => ({ key });
  const SAME_ORIGIN = { origin: 'http://mc.test' };

  // ── meta, setup and sign-in ──
  await rec.call('GET', '/api/v1/health');
  await rec.call('GET', '/api/v1/setup');
  await rec.call('POST', '/api/v1/setup', { body: { email: `${uniq('setup')}@example.com`, name: 'Second', password: 'second-password-1' }, label: 'already set up' });
  const login = await rec.call('POST', '/api/v1/auth/login', { body: { email: h.admin.email, password: 'admin-password-1' } });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  await rec.call('POST', '/api/v1/auth/login', { body: { email: h.admin.email, password: 'wrong-password-1' }, label: 'wrong password' });
  await rec.call('GET', '/api/v1/me', as(admin));
  await rec.call('GET', '/api/v1/me', { label: 'no credentials' });
  await rec.call('GET', '/api/v1/me', { key: 'mc_usr_not-a-real-key-000000000000', label: 'unknown key' });
  await rec.call('GET', '/api/v1/me', { cookie, label: 'session cookie' });

  // ── personal keys and users ──
  const key = need(await rec.call('POST', '/api/v1/me/api-keys', { key: admin, body: { name: 'compat key' } }), 201);
  await rec.call('GET', '/api/v1/me/api-keys', as(admin));
  await rec.call('DELETE', `/api/v1/me/api-keys/${key.id}`, as(admin));
  const alice = need(await rec.call('POST', '/api/v1/users', { key: admin, body: { email: `${uniq('alice')}@example.com`, name: 'Alice', password: 'alice-password-1' } }), 201);
  const bob = need(
    await rec.call('POST', '/api/v1/users', { key: admin, body: { email: `${uniq('bob')}@example.com`, name: 'Bob' }, label: 'without a password' }),
    201,
  );
  await rec.call('GET', '/api/v1/users', as(admin));
  await rec.call('PATCH', `/api/v1/users/${bob.id}`, { key: admin, body: { name: 'Bob B.' } });
  await rec.call('POST', `/api/v1/users/${bob.id}/password-link`, as(admin));
  await rec.call('POST', '/api/v1/auth/set-password', { body: { token: 'not-a-token-0000000000000000000000', password: 'bob-password-12' }, label: 'malformed token' });

  // ── workspaces, budget, members, default workspace ──
  const ws = need(
    await rec.call('POST', '/api/v1/workspaces', { key: admin, body: { name: 'Compat', slug: uniq('compat'), mission: 'Keep v1', emoji: '🛰️', color: '#2255aa' } }),
    201,
  );
  await rec.call('POST', '/api/v1/workspaces', { key: admin, body: { name: 'Duplicate', slug: ws.slug }, label: 'slug taken' });
  await rec.call('POST', '/api/v1/workspaces', { key: admin, body: { slug: 'Not A Slug!' }, label: 'invalid body' });
  await rec.call('GET', '/api/v1/workspaces', as(admin));
  await rec.call('GET', `/api/v1/workspaces/${ws.id}`, as(admin));
  await rec.call('GET', '/api/v1/workspaces/wsp_00000000000000000000000000', { key: admin, label: 'unknown id' });
  await rec.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin, body: { mission: 'Keep v1 compatible', defaultRepository: 'acme/app' } });
  await rec.call('PATCH', `/api/v1/workspaces/${ws.id}`, { key: admin, body: { mission: 'stale', version: 1 }, label: 'stale version' });
  await rec.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: admin, body: { monthlyTokenLimit: 1_000_000, monthlyCostLimitUsd: 100, hardStop: false } });
  await rec.call('GET', `/api/v1/workspaces/${ws.id}/budget`, as(admin));
  await rec.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: admin, body: { email: alice.email, role: 'member' } });
  await rec.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: admin, body: { email: bob.email, role: 'viewer' }, label: 'second member' });
  await rec.call('GET', `/api/v1/workspaces/${ws.id}/members`, as(admin));
  await rec.call('PATCH', `/api/v1/workspaces/${ws.id}/members/${alice.id}`, { key: admin, body: { role: 'admin' } });
  await rec.call('DELETE', `/api/v1/workspaces/${ws.id}/members/${bob.id}`, as(admin));
  await rec.call('DELETE', `/api/v1/users/${bob.id}`, as(admin));
  // Invitations: someone who shares no workspace with the caller (who is no instance admin) is invited (202).
  const signIn = async (email: string, password: string, label: string) =>
    (await rec.call('POST', '/api/v1/auth/login', { body: { email, password }, label })).headers.get('set-cookie')!.split(';')[0];
  const aliceCookie = await signIn(alice.email, 'alice-password-1', 'a workspace admin');
  const carol = need(
    await rec.call('POST', '/api/v1/users', { key: admin, body: { email: `${uniq('carol')}@example.com`, name: 'Carol', password: 'carol-password-1' }, label: 'invitee' }),
    201,
  );
  const invitedCarol = need(
    await rec.call('POST', `/api/v1/workspaces/${ws.id}/members`, { cookie: aliceCookie, headers: SAME_ORIGIN, body: { email: carol.email, role: 'member' }, label: 'invitation' }),
    202,
  );
  const invitedNobody = need(
    await rec.call('POST', `/api/v1/workspaces/${ws.id}/members`, { key: admin, body: { email: `${uniq('nobody')}@example.com`, role: 'viewer' }, label: 'address without a user' }),
    202,
  );
  await rec.call('GET', `/api/v1/workspaces/${ws.id}/invitations`, as(admin));
  await rec.call('DELETE', `/api/v1/workspaces/${ws.id}/invitations/${invitedNobody.invitation.id}`, as(admin));
  const carolCookie = await signIn(carol.email, 'carol-password-1', 'an invitee');
  await rec.call('GET', '/api/v1/me/invitations', { cookie: carolCookie });
  await rec.call('POST', `/api/v1/invitations/${invitedCarol.invitation.id}/decline`, { cookie: carolCookie, headers: SAME_ORIGIN });
  await rec.call('POST', `/api/v1/invitations/${invitedCarol.invitation.id}/accept`, { cookie: carolCookie, headers: SAME_ORIGIN, label: 'already declined' });
  const again = need(
    await rec.call('POST', `/api/v1/workspaces/${ws.id}/members`, { cookie: aliceCookie, headers: SAME_ORIGIN, body: { email: carol.email, role: 'member' }, label: 'invitation again' }),
    202,
  );
  await rec.call('POST', `/api/v1/invitations/${again.invitation.id}/accept`, { cookie: carolCookie, headers: SAME_ORIGIN });
  await rec.call('PUT', '/api/v1/settings/default-workspace', { key: admin, body: { workspaceId: ws.id } });
  await rec.call('GET', '/api/v1/settings/default-workspace', as(admin));

  // ── agents: registration, approval, key handover, rotation, lifecycle ──
  const registered = need(
    await rec.call('POST', '/api/v1/agents', { body: { workspace: ws.slug, name: 'compat-coder', capabilities: ['code', 'review'], description: 'writes code' } }),
    202,
  );
  const agentId = registered.agentId;
  await rec.call('GET', `/api/v1/agents/${agentId}/registration`, { key: registered.registrationSecret, label: 'pending' });
  await rec.call('POST', `/api/v1/agents/${agentId}/approve`, as(admin));
  const handover = need(await rec.call('GET', `/api/v1/agents/${agentId}/registration`, { key: registered.registrationSecret, label: 'approved, first read' }), 200);
  await rec.call('GET', `/api/v1/agents/${agentId}/registration`, { key: registered.registrationSecret, label: 'approved, second read' });
  let agentKey: string = handover.apiKey;
  await rec.call('GET', '/api/v1/agents/me', as(agentKey));
  await rec.call('POST', '/api/v1/agents/me/heartbeat', as(agentKey));
  const rotated = need(await rec.call('POST', `/api/v1/agents/${agentId}/rotate-key`, { key: agentKey, body: { graceSeconds: 60 } }), 200);
  agentKey = rotated.apiKey;
  await rec.call('PATCH', `/api/v1/agents/${agentId}`, { key: admin, body: { description: 'writes and reviews code' } });
  await rec.call('GET', `/api/v1/agents?workspaceId=${ws.id}`, as(admin));
  await rec.call('GET', `/api/v1/agents/${agentId}`, as(admin));

  const rival = need(await h.call('POST', '/api/v1/agents', { body: { workspace: ws.id, name: 'compat-rival', capabilities: ['code'] } }), 202);
  need(await h.call('POST', `/api/v1/agents/${rival.agentId}/approve`, as(admin)), 200);
  const rivalKey: string = need(await h.call('GET', `/api/v1/agents/${rival.agentId}/registration`, as(rival.registrationSecret)), 200).apiKey;

  const spam = need(await h.call('POST', '/api/v1/agents', { body: { workspace: ws.id, name: 'compat-spam', capabilities: [] } }), 202);
  await rec.call('POST', `/api/v1/agents/${spam.agentId}/reject`, { key: admin, body: { reason: 'not ours' } });
  const retired = need(await h.call('POST', '/api/v1/agents', { body: { workspace: ws.id, name: 'compat-retired', capabilities: [] } }), 202);
  need(await h.call('POST', `/api/v1/agents/${retired.agentId}/approve`, as(admin)), 200);
  await rec.call('POST', `/api/v1/agents/${retired.agentId}/deactivate`, as(admin));
  await rec.call('POST', `/api/v1/agents/${retired.agentId}/activate`, as(admin));
  await rec.call('DELETE', `/api/v1/agents/${retired.agentId}`, as(admin));

  // ── tickets: create, poll, claim, move, release, assign, comments, links, epics ──
  const epic = need(await rec.call('POST', '/api/v1/epics', { key: admin, body: { workspaceId: ws.id, title: 'Compatibility', description: 'v1 stays' } }), 201);
  await rec.call('GET', `/api/v1/epics?workspaceId=${ws.id}`, as(admin));
  const ticket = need(
    await rec.call('POST', '/api/v1/tickets', {
      key: admin,
      body: { workspaceId: ws.id, title: 'Record the v1 answers', description: 'All of them', priority: 'high', labels: ['api'], epicId: epic.id, wikiRefs: ['guides/api.md'] },
    }),
    201,
  );
  await rec.call('POST', '/api/v1/tickets', { key: admin, body: { workspaceId: ws.id }, label: 'missing title' });
  const second = need(await h.call('POST', '/api/v1/tickets', { key: admin, body: { workspaceId: ws.id, title: 'Second ticket', priority: 'low' } }), 201);
  const third = need(await h.call('POST', '/api/v1/tickets', { key: admin, body: { workspaceId: ws.id, title: 'Third ticket' } }), 201);
  await rec.call('GET', `/api/v1/tickets?workspaceId=${ws.id}`, as(admin));
  await rec.call('GET', '/api/v1/tickets/available', as(agentKey));
  await rec.call('GET', `/api/v1/tickets/${ticket.id}`, as(admin));
  await rec.call('GET', '/api/v1/tickets/tkt_00000000000000000000000000', { key: admin, label: 'unknown id' });
  await rec.call('PATCH', `/api/v1/tickets/${ticket.id}/claim`, as(agentKey));
  await rec.call('PATCH', `/api/v1/tickets/${ticket.id}/claim`, { key: rivalKey, label: 'held by another agent' });
  await rec.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: agentKey, body: { status: 'done' }, label: 'refused transition' });
  await rec.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: agentKey, body: { status: 'pr_review' } });
  await rec.call('PATCH', `/api/v1/tickets/${second.id}/claim`, { key: agentKey, label: 'second ticket' });
  await rec.call('POST', `/api/v1/tickets/${second.id}/release`, { key: agentKey, body: { reason: 'blocked on review' } });
  await rec.call('PUT', `/api/v1/tickets/${third.id}/assignee`, { key: admin, body: { agentId } });
  // The released ticket is the only one the rival may take (the third is assigned): claim-next takes it, then finds nothing.
  await rec.call('POST', '/api/v1/tickets/claim-next', { key: rivalKey, body: { capabilities: [] } });
  await rec.call('POST', '/api/v1/tickets/claim-next', { key: rivalKey, label: 'nothing left' });
  const comment = need(
    await rec.call('POST', `/api/v1/tickets/${ticket.id}/comments`, {
      key: admin,
      body: { body: '@compat-coder please look at PR#12 and https://github.com/acme/app/pull/7' },
    }),
    201,
  );
  await rec.call('GET', `/api/v1/tickets/${ticket.id}/comments`, as(agentKey));
  await rec.call('GET', `/api/v1/tickets/${ticket.id}/links`, as(admin));
  await rec.call('GET', `/api/v1/links/pull-requests?url=${encodeURIComponent('https://github.com/acme/app/pull/7')}`, as(admin));
  await rec.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: admin, body: { status: 'done' }, label: 'reviewed by an admin' });

  // ── notifications ──
  const inbox = need(await rec.call('GET', '/api/v1/notifications', as(agentKey)), 200) as { id: string }[];
  if (!inbox.length) throw new Error(`the mention in comment ${comment.id} notified nobody`);
  await rec.call('POST', `/api/v1/notifications/${inbox[0].id}/read`, as(agentKey));
  await rec.call('POST', '/api/v1/notifications/read-all', { key: agentKey, body: { workspaceId: ws.id } });

  // ── webhooks and their deliveries, sent once (as the delivery runner would) to a receiver on loopback ──
  const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = need(
    await rec.call('POST', '/api/v1/webhooks', {
      key: admin,
      body: { workspaceId: ws.id, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/compat`, events: ['ticket.created'], description: 'compat' },
    }),
    201,
  );
  need(await h.call('POST', '/api/v1/tickets', { key: admin, body: { workspaceId: ws.id, title: 'Announced ticket' } }), 201);
  try {
    const runner = h.ctxFor({ kind: 'system', name: 'compat-webhook-runner' });
    await dispatchWebhookEvents(runner);
    await deliverDueWebhooks(runner);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
  await rec.call('GET', `/api/v1/webhooks?workspaceId=${ws.id}`, as(admin));
  await rec.call('GET', `/api/v1/webhooks/${hook.id}`, as(admin));
  await rec.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: admin, body: { description: 'compat hook' } });
  await rec.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, as(admin));
  const deliveries = need(await rec.call('GET', `/api/v1/webhook-deliveries?webhookId=${hook.id}`, as(admin)), 200) as { id: string }[];
  if (!deliveries.length) throw new Error('the webhook got no delivery');
  await rec.call('GET', `/api/v1/webhook-deliveries/${deliveries[0].id}`, as(admin));
  await rec.call('POST', `/api/v1/webhook-deliveries/${deliveries[0].id}/redeliver`, as(admin));
  await rec.call('DELETE', `/api/v1/webhooks/${hook.id}`, as(admin));

  // ── executions, prices, ratings, metrics, activity ──
  await rec.call('GET', '/api/v1/model-prices', as(admin));
  await rec.call('POST', '/api/v1/model-prices', { key: admin, body: { model: 'compat-model-1', inputUsdPerMTok: 3, outputUsdPerMTok: 15, note: 'compat' } });
  const run = need(await rec.call('POST', '/api/v1/executions', { key: agentKey, body: { ticketId: ticket.id, model: 'compat-model-1' } }), 201);
  await rec.call('PATCH', `/api/v1/executions/${run.id}`, { key: agentKey, body: { tokensIn: 100, tokensOut: 20, apiCalls: 1 }, label: 'progress' });
  await rec.call('PATCH', `/api/v1/executions/${run.id}`, {
    key: agentKey,
    body: { status: 'success', tokensIn: 1200, tokensOut: 300, apiCalls: 3, decisions: [{ input: 'ticket', reasoning: 'small change', output: 'PR#12' }] },
  });
  await rec.call('GET', `/api/v1/executions?workspaceId=${ws.id}`, as(admin));
  await rec.call('GET', `/api/v1/executions/${run.id}`, as(admin));
  await rec.call('POST', `/api/v1/tickets/${ticket.id}/rating`, { key: admin, body: { rating: 'good' } });
  await rec.call('POST', `/api/v1/tickets/${ticket.id}/rating`, { key: admin, body: { rating: 'bad' }, label: 'changed' });
  await rec.call('GET', `/api/v1/tickets/${ticket.id}/rating`, as(admin));
  await rec.call('DELETE', `/api/v1/tickets/${ticket.id}/rating`, as(admin));
  await rec.call('POST', `/api/v1/executions/${run.id}/rating`, { key: admin, body: { rating: 'good' } });
  await rec.call('GET', `/api/v1/executions/${run.id}/rating`, as(admin));
  await rec.call('DELETE', `/api/v1/executions/${run.id}/rating`, as(admin));
  await rec.call('GET', `/api/v1/agents/${agentId}/metrics?period=day`, as(admin));
  await rec.call('GET', `/api/v1/workspaces/${ws.id}/metrics?period=week`, as(admin));
  await rec.call('GET', `/api/v1/workspaces/${ws.id}/costs`, as(admin));
  await rec.call('GET', `/api/v1/activity?workspaceId=${ws.id}&limit=200`, as(admin));
  await rec.call('GET', '/api/v1/activity?limit=nope', { key: admin, label: 'invalid query' });

  // ── a hard stop: the workspace's budget is spent ──
  await rec.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: admin, body: { monthlyTokenLimit: 10, hardStop: true }, label: 'hard stop' });
  await rec.call('PATCH', `/api/v1/tickets/${third.id}/claim`, { key: agentKey, label: 'budget spent' });
  await rec.call('POST', '/api/v1/executions', { key: agentKey, body: {}, label: 'budget spent' });

  // ── leaving: archive a workspace, sign out ──
  const spare = need(await h.call('POST', '/api/v1/workspaces', { key: admin, body: { name: 'Spare', slug: uniq('spare') } }), 201);
  await rec.call('DELETE', `/api/v1/workspaces/${spare.id}`, as(admin));
  await rec.call('POST', '/api/v1/auth/logout', { cookie, headers: SAME_ORIGIN });
  await rec.call('GET', '/api/v1/nowhere', { key: admin, label: 'unknown endpoint' });
}
