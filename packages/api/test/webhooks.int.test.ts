// Webhooks end to end on a real database with a real HTTP receiver on 127.0.0.1 that checks every signature with
// the independent `standardwebhooks` library. The worker is driven by calling the core functions (dispatch, then
// deliver) on a manual clock, so retry delays are read off the schedule instead of waited for.
import {
  agentSigningSecretFromKey,
  attemptDelivery,
  claimDueDeliveries,
  deliverDueWebhooks,
  dispatcherWake,
  dispatchWebhookEvents,
  ManualClock,
  onCommittedEvent,
  pruneWebhookHistory,
  WEBHOOK_LEASE_MS,
  WEBHOOK_MAX_ATTEMPTS,
  type DeliverOptions,
} from '@mc/core';
import { webhookAttempts } from '@mc/db';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';
import { signedWith, startReceiver, type Receiver } from './receiver';

let h: Harness;
let clock: ManualClock;
let team: Team;
let rx: Receiver;
const noJitter: DeliverOptions = { random: () => 0.5 };

const worker = () => h.ctxFor({ kind: 'system', name: 'test-worker' });
async function pump(opts: DeliverOptions = noJitter) {
  await dispatchWebhookEvents(worker());
  return deliverDueWebhooks(worker(), opts);
}
async function deliveriesOf(webhookId: string) {
  return expectOk(await h.call('GET', `/api/v1/webhook-deliveries?webhookId=${webhookId}&limit=200`, { key: team.owner.key })) as any[];
}
async function createHook(body: Record<string, unknown>, key = team.owner.key) {
  return expectOk(await h.call('POST', '/api/v1/webhooks', { key, body: { workspaceId: team.ws.id, ...body } }), 201);
}
async function createTicket(title = 'Hook me') {
  return expectOk(await h.call('POST', '/api/v1/tickets', { key: team.owner.key, body: { workspaceId: team.ws.id, title } }), 201);
}

beforeAll(async () => {
  // The clock starts at the real time, so the receiver's timestamp check (±5 min) holds for the early tests.
  clock = new ManualClock(new Date());
  h = await createHarness({ clock, config: { allowPrivateNetwork: true } });
  team = await createTeam(h);
  rx = await startReceiver();
});

afterAll(async () => {
  await rx?.close();
  await h?.close();
});

describe('delivery', () => {
  it('arrives signed (verified by standardwebhooks), retried with growing delays until the receiver takes it, then redelivered on request', async () => {
    rx.on('/flaky', (nth) => (nth <= 3 ? 500 : 200));
    const hook = await createHook({ url: rx.url('/flaky'), events: ['ticket.created'], description: 'CI' });
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook).toMatchObject({ status: 'enabled', events: ['ticket.created'], description: 'CI', consecutiveFailures: 0 });
    const shown = expectOk(await h.call('GET', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
    expect(shown).not.toHaveProperty('secret');
    expect(JSON.stringify(expectOk(await h.call('GET', `/api/v1/webhooks?workspaceId=${team.ws.id}`, { key: team.owner.key })))).not.toContain(hook.secret);

    const ticket = await createTicket();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await pump();
      expect(r.claimed).toBe(1);
      const [d] = await deliveriesOf(hook.id);
      if (d.status === 'pending') {
        delays.push(Date.parse(d.nextAttemptAt) - Date.parse(d.lastAttemptAt));
        clock.set(new Date(d.nextAttemptAt));
      }
    }
    expect(delays).toEqual([5_000, 20_000, 80_000]);
    const [d] = await deliveriesOf(hook.id);
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 4, eventType: 'ticket.created', lastStatusCode: 200, nextAttemptAt: null });
    expect(d.attempts.map((a: any) => [a.attempt, a.statusCode, a.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
    expect(d.attempts[0].responseExcerpt).toBe('nope 1');
    expect(d.attempts.every((a: any) => typeof a.latencyMs === 'number' && a.trigger === 'scheduled')).toBe(true);

    const got = rx.at('/flaky');
    expect(got).toHaveLength(4);
    // Same webhook-id on every attempt (receivers dedupe on it), a fresh timestamp and signature each time.
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([d.id]));
    expect(got.map((g) => Number(g.headers['webhook-timestamp']))).toEqual([...got.map((g) => Number(g.headers['webhook-timestamp']))].sort((a, b) => a - b));
    const wh = new Webhook(hook.secret);
    for (const g of got) {
      expect(g.headers['content-type']).toBe('application/json');
      expect(signedWith(g, hook.secret)).toBe(true);
      expect(wh.verify(g.body, g.headers)).toMatchObject({ id: d.eventId, type: 'ticket.created', workspaceId: team.ws.id, data: { ticket: { id: ticket.id } } });
    }

    // Redelivery: one more attempt, logged as manual, same webhook-id.
    const again = expectOk(await h.call('POST', `/api/v1/webhook-deliveries/${d.id}/redeliver`, { key: team.admin.key }), 202);
    expect(again.status).toBe('pending');
    expect((await pump()).succeeded).toBe(1);
    const after = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${d.id}`, { key: team.owner.key }));
    expect(after).toMatchObject({ status: 'succeeded', attemptCount: 5 });
    expect(after.attempts.at(-1)).toMatchObject({ attempt: 5, trigger: 'manual', statusCode: 200 });
    expect(rx.at('/flaky')).toHaveLength(5);
    expect(rx.at('/flaky')[4].headers['webhook-id']).toBe(d.id);
    expect(wh.verify(rx.at('/flaky')[4].body, rx.at('/flaky')[4].headers)).toBeTruthy();

    const actions = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=webhook.*&limit=50`, { key: team.owner.key })).map((a: any) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['webhook.created', 'webhook.redelivery_requested']));
  });

  it('filters: an endpoint gets only the event types it asked for (empty = all), and never another workspace’s', async () => {
    const moved = await createHook({ url: rx.url('/ok'), events: ['ticket.moved'] });
    const all = await createHook({ url: rx.url('/ok'), events: [] });
    const other = await createWorkspace(h, team.owner.key);
    const elsewhere = expectOk(await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: other.id, url: rx.url('/ok') } }), 201);
    const ticket = await createTicket('filtered');
    expectOk(await h.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: team.owner.key, body: { status: 'closed' } }));
    await pump();
    expect((await deliveriesOf(moved.id)).map((d) => d.eventType)).toEqual(['ticket.moved']);
    expect((await deliveriesOf(all.id)).map((d) => d.eventType).sort()).toEqual(['ticket.created', 'ticket.moved']);
    expect(await deliveriesOf(elsewhere.id)).toEqual([]);
    // Events of the other workspace reach only its endpoint.
    expectOk(await h.call('POST', '/api/v1/tickets', { key: team.owner.key, body: { workspaceId: other.id, title: 'there' } }), 201);
    await pump();
    expect((await deliveriesOf(elsewhere.id)).map((d) => d.eventType)).toEqual(['ticket.created']);
    expect(await deliveriesOf(all.id)).toHaveLength(2);
    for (const id of [moved.id, all.id, elsewhere.id]) expectOk(await h.call('DELETE', `/api/v1/webhooks/${id}`, { key: team.owner.key }));
  });

  it('rotation: during the grace every delivery carries both signatures, each verifying; afterwards only the new one', async () => {
    const hook = await createHook({ url: rx.url('/rotating') });
    const rotated = expectOk(await h.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: team.owner.key, headers: { 'idempotency-key': 'rot-1' } }));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    expect(rotated.graceSeconds).toBe(86_400);
    // A replay answers the same, without the secret (it was never stored).
    const replay = await h.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: team.owner.key, headers: { 'idempotency-key': 'rot-1' } });
    expect(expectOk(replay).secret).toBeNull();

    await createTicket('rotated');
    await pump();
    const [first] = rx.at('/rotating');
    expect(first.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.secret).verify(first.body, first.headers)).toBeTruthy();
    expect(new Webhook(hook.secret).verify(first.body, first.headers)).toBeTruthy();

    // A rotation without grace: the previous secret stops at once.
    const now = expectOk(await h.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: team.owner.key, body: { graceSeconds: 0 } }));
    await createTicket('rotated again');
    await pump();
    const second = rx.at('/rotating')[1];
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(new Webhook(now.secret).verify(second.body, second.headers)).toBeTruthy();
    expect(() => new Webhook(rotated.secret).verify(second.body, second.headers)).toThrow();
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
  });

  it("an agent with an endpoint gets its notifications pushed (type notification), signed with its key's secret", async () => {
    // The approval POSTs the agent's key to its endpoint (the receiver takes it).
    const pending = await registerPending(h, team.ws.id, { endpoint: rx.url('/agent') });
    expectOk(await h.call('POST', `/api/v1/agents/${pending.id}/approve`, { key: team.owner.key }));
    const agent = { ...pending, key: JSON.parse(rx.at('/agent')[0].body).apiKey as string };
    expect(agent.key).toMatch(/^mc_agt_/);
    const ticket = await createTicket('for the agent');
    expectOk(await h.call('POST', `/api/v1/tickets/${ticket.id}/comments`, { key: team.owner.key, body: { body: `@${agent.name} please look` } }), 201);
    await pump();
    const pushed = rx.at('/agent').filter((r) => r.headers['webhook-id']);
    expect(pushed).toHaveLength(1);
    const payload = new Webhook(agentSigningSecretFromKey(agent.key)).verify(pushed[0].body, pushed[0].headers) as any;
    expect(payload).toMatchObject({ type: 'notification', workspaceId: team.ws.id, data: { type: 'mention', context: { ticketId: ticket.id } } });
    const listed = expectOk(await h.call('GET', `/api/v1/webhook-deliveries?agentId=${agent.id}`, { key: team.owner.key }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ agentId: agent.id, webhookId: null, eventType: 'notification', status: 'succeeded' });
  });
});

describe('an event nobody receives is written already dispatched (claims)', () => {
  const claimedEvent = async (ticketId: string) => {
    const rows = await h.database.db.query.events.findMany({ where: (e, { and, eq, sql }) => and(eq(e.type, 'ticket.claimed'), sql`${e.data} #>> '{ticket,id}' = ${ticketId}`) });
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  const claimAnnounced = (ticketId: string) => h.deps.live.waitFor((e) => e.type === 'ticket.claimed' && e.ticketId === ticketId, 20_000);

  it('no endpoint and no agent endpoint: the claim and the claim-next write their event dispatched; with a receiver or a reaction they do not, and it is delivered', async () => {
    const quiet = await createTeam(h);
    const agent = await activeAgent(h, quiet.admin.key, quiet.ws.slug);
    const ticketIn = async (ws: string, key: string) => expectOk(await h.call('POST', '/api/v1/tickets', { key, body: { workspaceId: ws, title: 'quiet?' } }), 201);
    const byClaim = await ticketIn(quiet.ws.id, quiet.admin.key);
    let announced = claimAnnounced(byClaim.id);
    expectOk(await h.call('PATCH', `/api/v1/tickets/${byClaim.id}/claim`, { key: agent.key }));
    expect((await claimedEvent(byClaim.id)).dispatchedAt).toBeInstanceOf(Date);
    // Its live announcement says so, and wakes no dispatcher pass (there is nothing to dispatch).
    expect(await announced).toMatchObject({ dispatched: true });
    expect(dispatcherWake((await announced)!)).toBeNull();
    const byNext = await ticketIn(quiet.ws.id, quiet.admin.key);
    announced = claimAnnounced(byNext.id);
    expect(expectOk(await h.call('POST', '/api/v1/tickets/claim-next', { key: agent.key })).id).toBe(byNext.id);
    expect((await claimedEvent(byNext.id)).dispatchedAt).toBeInstanceOf(Date);
    expect(await announced).toMatchObject({ dispatched: true });
    expect(dispatcherWake((await announced)!)).toBeNull();

    // A reaction of this process waits for claims: the event stays in the outbox for it, and the dispatcher hands it over.
    const seen: string[] = [];
    const stop = onCommittedEvent('test.claims', ['ticket.claimed'], async (_tx, e) => void seen.push((e.data as { ticket: { id: string } }).ticket.id));
    try {
      const reacted = await ticketIn(quiet.ws.id, quiet.admin.key);
      const reactedAnnounced = claimAnnounced(reacted.id);
      expectOk(await h.call('PATCH', `/api/v1/tickets/${reacted.id}/claim`, { key: agent.key }));
      expect((await claimedEvent(reacted.id)).dispatchedAt).toBeNull();
      expect(dispatcherWake((await reactedAnnounced)!)).toEqual({ due: false });
      await dispatchWebhookEvents(worker());
      expect(seen).toContain(reacted.id);
      expect((await claimedEvent(reacted.id)).dispatchedAt).toBeInstanceOf(Date);
    } finally {
      stop();
    }

    // The team of this file has an endpoint for ticket.claimed: the claim's event waits for the dispatcher and is delivered.
    const hook = await createHook({ url: rx.url('/claims'), events: ['ticket.claimed'] });
    const claimant = await activeAgent(h, team.owner.key, team.ws.slug);
    const heard = await createTicket('claimed with a receiver');
    const heardAnnounced = claimAnnounced(heard.id);
    expectOk(await h.call('PATCH', `/api/v1/tickets/${heard.id}/claim`, { key: claimant.key }));
    expect((await claimedEvent(heard.id)).dispatchedAt).toBeNull();
    expect(await heardAnnounced).toMatchObject({ dispatched: false });
    expect(dispatcherWake((await heardAnnounced)!)).toEqual({ due: false });
    await pump();
    expect(rx.at('/claims').map((r) => JSON.parse(r.body).data.ticket.id)).toContain(heard.id);
    expect((await claimedEvent(heard.id)).dispatchedAt).toBeInstanceOf(Date);
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
  });
});

describe('claims and leases', () => {
  it('two workers never claim the same delivery; a dead worker’s delivery is claimed again after its lease, and its late result is ignored', async () => {
    const hook = await createHook({ url: rx.url('/leased'), events: ['ticket.created'] });
    for (let i = 0; i < 6; i++) await createTicket(`lease ${i}`);
    await dispatchWebhookEvents(worker());
    const mine = new Set((await deliveriesOf(hook.id)).map((d) => d.id));
    expect(mine.size).toBe(6);
    const [a, b] = await Promise.all([claimDueDeliveries(worker(), 50), claimDueDeliveries(worker(), 50)]);
    const ids = [...a, ...b].map((c) => c.delivery.id).filter((id) => mine.has(id));
    expect(ids.sort()).toEqual([...mine].sort()); // each exactly once
    // Leased: nobody else gets them until the lease runs out.
    expect((await claimDueDeliveries(worker(), 50)).filter((c) => mine.has(c.delivery.id))).toEqual([]);
    const dead = [...a, ...b].find((c) => mine.has(c.delivery.id))!;
    const others = [...a, ...b].filter((c) => c !== dead && mine.has(c.delivery.id));
    for (const c of others) expect(await attemptDelivery(worker(), c, noJitter)).toBe('succeeded');
    clock.advance(WEBHOOK_LEASE_MS);
    const [again] = (await claimDueDeliveries(worker(), 50)).filter((c) => mine.has(c.delivery.id));
    expect(again.delivery.id).toBe(dead.delivery.id);
    expect(again.token).not.toBe(dead.token);
    rx.on('/leased', () => 500);
    // The "dead" worker wakes up late: its attempt is logged, but the delivery follows the live claim only.
    expect(await attemptDelivery(worker(), dead, noJitter)).toBe('retry');
    rx.on('/leased', () => 200);
    expect(await attemptDelivery(worker(), again, noJitter)).toBe('succeeded');
    const d = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${dead.delivery.id}`, { key: team.owner.key }));
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    expect(d.attempts.map((x: any) => x.ok).sort()).toEqual([false, true]);
    expect(new Set(rx.at('/leased').map((r) => r.headers['webhook-id'])).size).toBe(6);
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
  });
  it('a redelivery asked while an attempt is in flight is not lost: the attempt finishes, then the asked-for one follows', async () => {
    const hook = await createHook({ url: rx.url('/inflight'), events: ['ticket.created'] });
    await createTicket('in flight');
    await dispatchWebhookEvents(worker());
    const [delivery] = await deliveriesOf(hook.id);
    const [claim] = (await claimDueDeliveries(worker(), 50)).filter((c) => c.delivery.id === delivery.id);
    expect(claim).toBeDefined();
    // The admin clicks Redeliver while the worker is sending.
    expectOk(await h.call('POST', `/api/v1/webhook-deliveries/${delivery.id}/redeliver`, { key: team.owner.key }), 202);
    expect(await attemptDelivery(worker(), claim, noJitter)).toBe('succeeded');
    const between = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, { key: team.owner.key }));
    expect(between).toMatchObject({ status: 'pending', attemptCount: 1 });
    // The asked-for attempt is due now and logged as manual.
    const [again] = (await claimDueDeliveries(worker(), 50)).filter((c) => c.delivery.id === delivery.id);
    expect(again?.manual).toBe(true);
    expect(await attemptDelivery(worker(), again, noJitter)).toBe('succeeded');
    const d = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, { key: team.owner.key }));
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(d.attempts.map((x: any) => x.trigger)).toEqual(['scheduled', 'manual']);
    expect(rx.at('/inflight')).toHaveLength(2);
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
  });
});

describe('retention', () => {
  it('prunes finished deliveries (with their attempts) older than the retention, never pending ones', async () => {
    const hook = await createHook({ url: rx.url('/retained'), events: ['ticket.created'] });
    rx.on('/retained', (nth) => (nth === 1 ? 200 : 500));
    await createTicket('kept then pruned');
    await createTicket('still retrying');
    await pump();
    const before = await deliveriesOf(hook.id);
    expect(before.map((d) => d.status).sort()).toEqual(['pending', 'succeeded']);
    const at = (days: number) => ({ db: worker().db, clock: { now: () => new Date(clock.now().getTime() + days * 86_400_000) } });
    expect(await pruneWebhookHistory(at(29), 30)).toBe(0);
    await pruneWebhookHistory(at(31), 30);
    const after = await deliveriesOf(hook.id);
    expect(after.map((d) => d.status)).toEqual(['pending']);
    // Its attempt log went with it (ON DELETE CASCADE); the pending one keeps its attempts.
    const pruned = before.find((d) => d.status === 'succeeded');
    const attempts = await worker().db.select({ deliveryId: webhookAttempts.deliveryId }).from(webhookAttempts);
    expect(attempts.filter((a) => a.deliveryId === pruned.id)).toEqual([]);
    expect(attempts.filter((a) => a.deliveryId === after[0].id)).not.toEqual([]);
    expectError(await h.call('GET', `/api/v1/webhook-deliveries/${before.find((d) => d.status === 'succeeded').id}`, { key: team.owner.key }), 404, 'NOT_FOUND');
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
  });
});

describe('outbound safety', () => {
  it('refuses private, loopback and link-local URLs unless allowed, also at send time; no redirects; a timeout', async () => {
    const ok = await createHook({ url: rx.url('/ok'), events: ['ticket.created'] });
    const redirecting = await createHook({ url: rx.url('/redirect'), events: ['ticket.created'] });
    const hanging = await createHook({ url: rx.url('/hang'), events: ['ticket.created'] });
    rx.on('/redirect', () => 'redirect');
    rx.on('/hang', () => 'hang');
    h.deps.config.allowPrivateNetwork = false;
    try {
      const internal = [
        'http://127.0.0.1:9/x',
        'http://10.1.2.3/x',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]:9/',
        'http://192.168.0.10/',
        'http://localhost:9/',
        // Forms that passed before: IPv4-mapped IPv6 in both spellings, and the other IPv6 wrappers of 127.0.0.1.
        rx.url('/ok').replace('127.0.0.1', '[::ffff:127.0.0.1]'),
        rx.url('/ok').replace('127.0.0.1', '[::ffff:7f00:1]'),
        'http://[64:ff9b::7f00:1]/',
        'http://[2002:7f00:1::1]/',
        'http://[fd00:ec2::254]/',
        'http://2130706433/',
      ];
      for (const url of internal) {
        const r = await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url } });
        expectError(r, 400, 'VALIDATION_ERROR');
        expect(issueFields(r), url).toEqual(['url']);
        const patched = await h.call('PATCH', `/api/v1/webhooks/${ok.id}`, { key: team.owner.key, body: { url } });
        expectError(patched, 400, 'VALIDATION_ERROR');
        expect(issueFields(patched), url).toEqual(['url']);
      }
      expect(expectOk(await h.call('GET', `/api/v1/webhooks/${ok.id}`, { key: team.owner.key })).url).toBe(rx.url('/ok'));
      // A name is accepted even if it does not resolve (yet); credentials in the URL are not.
      const unresolved = expectOk(
        await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: 'https://hooks.not-resolvable.invalid/x', events: ['webhook.disabled'] } }),
        201,
      );
      expectOk(await h.call('DELETE', `/api/v1/webhooks/${unresolved.id}`, { key: team.owner.key }));
      const withCredentials = await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: 'https://user:pass@hooks.example.com/' } });
      expectError(withCredentials, 400, 'VALIDATION_ERROR');
      expect(issueFields(withCredentials)).toEqual(['url']);
      // Saved while allowed, refused when sending: the address is checked again at send time.
      const before = rx.at('/ok').length;
      await createTicket('ssrf');
      await pump({ ...noJitter, timeoutMs: 300 });
      expect(rx.at('/ok')).toHaveLength(before);
      const [refused] = await deliveriesOf(ok.id);
      expect(refused.attempts[0]).toMatchObject({ ok: false, statusCode: null });
      expect(refused.attempts[0].error).toMatch(/refused: .*private or loopback/);
    } finally {
      h.deps.config.allowPrivateNetwork = true;
    }
    // Allowed (MC_WEBHOOK_ALLOW_PRIVATE=1): the old behaviour holds, for the mapped form too.
    const mapped = expectOk(await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: rx.url('/ok').replace('127.0.0.1', '[::ffff:127.0.0.1]'), events: ['webhook.disabled'] } }), 201);
    expectOk(await h.call('PATCH', `/api/v1/webhooks/${mapped.id}`, { key: team.owner.key, body: { url: rx.url('/ok').replace('127.0.0.1', '[::ffff:7f00:1]') } }));
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${mapped.id}`, { key: team.owner.key }));
    expectError(
      await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: rx.url('/ok').replace('http://', 'http://u:p@') } }),
      400,
      'VALIDATION_ERROR',
    );
    const at = clock.now().getTime();
    clock.set(new Date(at + 10_000));
    const before = rx.at('/ok').length;
    await pump({ ...noJitter, timeoutMs: 300 });
    const [redirected] = await deliveriesOf(redirecting.id);
    expect(redirected.attempts.at(-1)).toMatchObject({ ok: false, statusCode: 302, error: 'redirects are not followed' });
    expect(rx.at('/ok').length - before).toBe(1); // the ok endpoint's retry, not a followed redirect
    const [hung] = await deliveriesOf(hanging.id);
    expect(hung.attempts.at(-1)).toMatchObject({ ok: false, statusCode: null });
    expect(hung.attempts.at(-1).error).toMatch(/ETIMEDOUT/);
    expect(hung.attempts.at(-1).latencyMs).toBeLessThan(5_000);
    for (const id of [ok.id, redirecting.id, hanging.id]) expectOk(await h.call('DELETE', `/api/v1/webhooks/${id}`, { key: team.owner.key }));
  });
});

describe('who may', () => {
  it('viewers and members 403, outsiders 404, agents 403; lists show only administered workspaces', async () => {
    const hook = await createHook({ url: rx.url('/ok'), events: ['ticket.created'] });
    await createTicket('perm');
    await dispatchWebhookEvents(worker());
    const [delivery] = await deliveriesOf(hook.id);
    const outsider = await h.newUser('Outsider');
    await createWorkspace(h, outsider.key);
    const agent = await activeAgent(h, team.owner.key, team.ws.id);
    const body = { workspaceId: team.ws.id, url: rx.url('/ok') };
    for (const who of [team.viewer, team.member]) {
      expectError(await h.call('POST', '/api/v1/webhooks', { key: who.key, body }), 403, 'FORBIDDEN');
      expectError(await h.call('GET', `/api/v1/webhooks?workspaceId=${team.ws.id}`, { key: who.key }), 403, 'FORBIDDEN');
      expectError(await h.call('GET', `/api/v1/webhooks/${hook.id}`, { key: who.key }), 403, 'FORBIDDEN');
      expectError(await h.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: who.key, body: { description: 'x' } }), 403, 'FORBIDDEN');
      expectError(await h.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: who.key }), 403, 'FORBIDDEN');
      expectError(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: who.key }), 403, 'FORBIDDEN');
      expectError(await h.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, { key: who.key }), 403, 'FORBIDDEN');
      expectError(await h.call('POST', `/api/v1/webhook-deliveries/${delivery.id}/redeliver`, { key: who.key }), 403, 'FORBIDDEN');
      expect(expectOk(await h.call('GET', '/api/v1/webhooks', { key: who.key }))).toEqual([]);
    }
    expectError(await h.call('POST', '/api/v1/webhooks', { key: outsider.key, body }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/webhooks/${hook.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
    expectError(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/webhook-deliveries?webhookId=${hook.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
    expect(expectOk(await h.call('GET', '/api/v1/webhook-deliveries', { key: outsider.key }))).toEqual([]);
    for (const [method, path] of [
      ['GET', '/api/v1/webhooks'],
      ['POST', '/api/v1/webhooks'],
      ['GET', `/api/v1/webhooks/${hook.id}`],
      ['GET', '/api/v1/webhook-deliveries'],
      ['POST', `/api/v1/webhook-deliveries/${delivery.id}/redeliver`],
    ]) {
      expectError(await h.call(method, path, { key: agent.key, body: method === 'POST' ? body : undefined }), 403, 'FORBIDDEN');
    }
    // The owner and the admin can.
    expect(expectOk(await h.call('GET', `/api/v1/webhooks?workspaceId=${team.ws.slug}`, { key: team.admin.key })).map((w: any) => w.id)).toContain(hook.id);
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.admin.key }));
  });

  it('validation: URL, event types, unknown fields, stale version; delete removes the endpoint and its deliveries', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const r = await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: rx.url('/ok'), ...body } });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r)).toContain(field);
    };
    await bad({ url: 'ftp://example.com/x' }, 'url');
    await bad({ url: 'not a url' }, 'url');
    await bad({ events: ['ticket.exploded'] }, 'events.0');
    await bad({ events: 'ticket.created' }, 'events');
    await bad({ description: 'x'.repeat(501) }, 'description');
    await bad({ secret: 'whsec_mine' }, 'secret');
    expectError(await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { url: rx.url('/ok') } }), 400, 'VALIDATION_ERROR');

    const hook = await createHook({ url: rx.url('/ok'), events: ['ticket.created', 'ticket.created'] });
    expect(hook.events).toEqual(['ticket.created']);
    const patched = expectOk(await h.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key, body: { events: [], description: 'all', version: hook.version } }));
    expect(patched).toMatchObject({ events: [], description: 'all', version: hook.version + 1 });
    const stale = expectError(await h.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key, body: { description: 'late' }, headers: { 'if-match': String(hook.version) } }), 409, 'CONFLICT');
    expect(stale.details.reason).toBe('stale_version');
    expectError(await h.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key, body: { status: 'disabled' } }), 400, 'VALIDATION_ERROR');
    expectError(await h.call('POST', `/api/v1/webhooks/${hook.id}/rotate-secret`, { key: team.owner.key, body: { graceSeconds: -1 } }), 400, 'VALIDATION_ERROR');

    await createTicket('to be deleted with');
    await dispatchWebhookEvents(worker());
    const [delivery] = await deliveriesOf(hook.id);
    expectOk(await h.call('DELETE', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
    expectError(await h.call('GET', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, { key: team.owner.key }), 404, 'NOT_FOUND');
    const actions = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=webhook.*&limit=200`, { key: team.owner.key })).filter(
      (a: any) => a.target.id === hook.id,
    );
    expect(actions.map((a: any) => a.action).sort()).toEqual(['webhook.created', 'webhook.deleted', 'webhook.updated']);
  });
});

describe('disable policy', () => {
  // Last in the file: it moves the clock a day ahead.
  it('an endpoint failing for 24 h is disabled, its admins are notified; enabled again, a redelivery goes through', async () => {
    rx.on('/down', () => 503);
    const hook = await createHook({ url: rx.url('/down'), events: ['ticket.created'] });
    await createTicket('never arrives');
    await dispatchWebhookEvents(worker());
    const started = clock.now().getTime();
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
      // (Deliveries of earlier tests may still be due; only this endpoint's matters.)
      expect((await deliverDueWebhooks(worker(), noJitter)).claimed).toBeGreaterThanOrEqual(1);
      const [d] = await deliveriesOf(hook.id);
      expect(d.attemptCount).toBe(i + 1);
      if (d.nextAttemptAt) clock.set(new Date(d.nextAttemptAt));
    }
    const elapsedHours = (clock.now().getTime() - started) / 3600_000;
    expect(elapsedHours).toBeGreaterThan(23);
    expect(elapsedHours).toBeLessThan(25);
    const [d] = await deliveriesOf(hook.id);
    expect(d).toMatchObject({ status: 'failed', attemptCount: WEBHOOK_MAX_ATTEMPTS, nextAttemptAt: null });
    expect(rx.at('/down')).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    const disabled = expectOk(await h.call('GET', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key }));
    expect(disabled).toMatchObject({ status: 'disabled', consecutiveFailures: WEBHOOK_MAX_ATTEMPTS });
    expect(disabled.disabledReason).toMatch(/every attempt failed/);

    // The workspace admins are told; others are not.
    for (const who of [team.owner, team.admin]) {
      const notes = expectOk(await h.call('GET', '/api/v1/notifications', { key: who.key }));
      expect(notes.filter((n: any) => n.type === 'webhook_disabled').map((n: any) => n.content)).toEqual([expect.stringContaining(rx.url('/down'))]);
    }
    expect(expectOk(await h.call('GET', '/api/v1/notifications', { key: team.member.key })).some((n: any) => n.type === 'webhook_disabled')).toBe(false);
    const actions = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=webhook.auto_disabled`, { key: team.owner.key }));
    expect(actions.map((a: any) => a.target.id)).toContain(hook.id);

    // Disabled: no new deliveries, no redelivery.
    await createTicket('while disabled');
    await pump();
    expect(await deliveriesOf(hook.id)).toHaveLength(1);
    expectError(await h.call('POST', `/api/v1/webhook-deliveries/${d.id}/redeliver`, { key: team.owner.key }), 409, 'CONFLICT');

    // Fixed and enabled again: the failure count starts afresh and a redelivery arrives.
    rx.on('/down', () => 200);
    const enabled = expectOk(await h.call('PATCH', `/api/v1/webhooks/${hook.id}`, { key: team.owner.key, body: { enabled: true } }));
    expect(enabled).toMatchObject({ status: 'enabled', consecutiveFailures: 0, disabledAt: null, failingSince: null });
    expectOk(await h.call('POST', `/api/v1/webhook-deliveries/${d.id}/redeliver`, { key: team.owner.key }), 202);
    expect((await pump()).succeeded).toBe(1);
    const redelivered = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${d.id}`, { key: team.owner.key }));
    expect(redelivered).toMatchObject({ status: 'succeeded', attemptCount: WEBHOOK_MAX_ATTEMPTS + 1, maxAttempts: WEBHOOK_MAX_ATTEMPTS + 1 });
    expect(redelivered.attempts.at(-1)).toMatchObject({ trigger: 'manual', ok: true });
    const last = rx.at('/down').at(-1)!;
    expect(last.headers['webhook-id']).toBe(d.id);
    expect(signedWith(last, hook.secret)).toBe(true);
  });
});
