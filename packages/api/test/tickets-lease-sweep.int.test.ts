// The set-based lease sweeper (one statement per batch, release-ticket.ts) on a manual clock: it writes exactly the
// bookkeeping the one-at-a-time path wrote — the ticket row, the `ticket.lease_expired` activity entry, the
// `ticket.released` outbox event (reason lease_expired), the lifecycle edge's `lease_expired` notification to the
// agent that lost the lease, the live announcement naming it — for one lease and for many in one batch; a pass goes
// on while batches come back full; concurrent sweepers never release a ticket twice; and a lease renewed before the
// sweeper reaches it (or while its row is locked by the renewal) is not released.
import { EVENT_CATALOG } from '@mc/contracts';
import { CLAIM_LEASE_MS, edgeOf, fill, LEASE_MINUTES, ManualClock, newId, releaseExpiredLeases, sweepExpiredLeases, type LiveEvent } from '@mc/core';
import { queryRaw } from '@mc/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectOk } from './helpers';
import { claim, createTicket, type Agent, type Ticket } from './tickets.fixtures';

let h: Harness;
let team: Team;
const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
const sys = () => h.ctxFor({ kind: 'system', name: 't' });
const live: LiveEvent[] = [];

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
  h.deps.live.subscribe((e) => live.push(e));
});
// Each test starts with no live lease: whatever an earlier test left claimed has expired and been swept.
beforeEach(async () => {
  clock.advance(CLAIM_LEASE_MS + 1);
  await sweepExpiredLeases(sys());
});
afterAll(async () => {
  await h?.close();
});

const EDGE = edgeOf('lease_expiry');
/** An id of `newId`'s format with this prefix, made at `at` (the 10 time characters are the same). */
const idAt = (prefix: string, at: Date) => new RegExp(`^${prefix}_${newId(prefix, at.getTime()).slice(prefix.length + 1, prefix.length + 11)}[0-9A-HJKMNP-TV-Z]{16}$`);

async function claimed(agent: Agent, wsId = team.ws.id, key = team.member.key, title = 'leased work'): Promise<Ticket> {
  const t = await createTicket(h, key, wsId, { title });
  return expectOk(await claim(h, agent.key, t.id)) as Ticket;
}

const row = (id: string) => h.database.db.query.tickets.findFirst({ where: (t, { eq }) => eq(t.id, id) });
const rowsOf = async (ids: string[]) => ({
  activity: await h.database.db.query.activity.findMany({ where: (a, { and, eq, inArray }) => and(inArray(a.targetId, ids), eq(a.action, EDGE.activity)) }),
  events: await h.database.db.query.events.findMany({ where: (e, { and, eq, inArray, sql }) => and(eq(e.type, EDGE.event), inArray(sql`(${e.data}->'ticket'->>'id')`, ids)) }),
  notifications: await h.database.db.query.notifications.findMany({ where: (n, { and, eq, inArray }) => and(inArray(n.ticketId, ids), eq(n.type, 'lease_expired')) }),
});

/** The live announcements of these tickets' releases, once `n` have arrived (they are delivered after the commit). */
async function liveOf(ids: string[], n: number): Promise<LiveEvent[]> {
  const mine = () => live.filter((e) => e.type === EDGE.event && e.ticketId && ids.includes(e.ticketId));
  for (let i = 0; i < 200 && mine().length < n; i++) await new Promise((r) => setTimeout(r, 25));
  return mine();
}

describe('the set-based lease sweep', () => {
  it('writes what the one-at-a-time path wrote: ticket row, activity, event, notification, live announcement', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a, team.ws.id, team.member.key, "it's leased");
    const before = (await row(t.id))!;
    clock.advance(CLAIM_LEASE_MS + 1);
    const now = clock.now();
    expect(await releaseExpiredLeases(sys())).toBe(1);

    // The ticket: back in To-do, claim and lease cleared, one version more; nothing else changed.
    expect(await row(t.id)).toEqual({
      ...before,
      status: 'todo',
      claimedByAgentId: null,
      claimedAt: null,
      leaseExpiresAt: null,
      statusChangedAt: now,
      updatedAt: now,
      version: before.version + 1,
    });

    const { activity, events, notifications } = await rowsOf([t.id]);
    // The activity entry, as recordActivity wrote it for the sweeper.
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({
      workspaceId: team.ws.id,
      actorKind: 'system',
      actorId: null,
      actorName: 'lease-sweeper',
      action: 'ticket.lease_expired',
      targetKind: 'ticket',
      targetId: t.id,
      summary: `lease on #${t.number} expired; back to To-do`,
      metadata: { previousHolder: a.id, leaseExpiresAt: t.leaseExpiresAt },
      status: 'todo',
      createdAt: now,
    });
    expect(activity[0].id).toMatch(idAt('act', now));

    // The outbox event, as the catalog promises it.
    expect(events).toHaveLength(1);
    const ev = events[0];
    expect(ev).toMatchObject({ workspaceId: team.ws.id, type: 'ticket.released', version: EVENT_CATALOG['ticket.released'].version, actorKind: 'system', actorId: null, actorName: 'lease-sweeper', occurredAt: now });
    expect(ev.data).toEqual({
      ticket: { id: t.id, number: t.number, title: "it's leased", status: 'todo' },
      previousHolder: a.id,
      reason: 'lease_expired',
      leaseExpiredAt: t.leaseExpiresAt,
    });
    expect(EVENT_CATALOG['ticket.released'].data.safeParse(ev.data).success).toBe(true);
    expect(ev.id).toMatch(idAt('evt', now));

    // The lifecycle edge's notice, to the agent that lost the lease only, said as its JS form says it.
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      workspaceId: team.ws.id,
      recipientKind: 'agent',
      recipientId: a.id,
      type: EDGE.notify!.type,
      content: fill(EDGE.notify!.says, { actor: 'lease-sweeper', leaseExpiredAt: t.leaseExpiresAt!, number: t.number, title: "it's leased", leaseMinutes: LEASE_MINUTES }),
      ticketId: t.id,
      commentId: null,
      agentId: null,
      eventId: ev.id,
      readAt: null,
      createdAt: now,
    });
    expect(notifications[0].id).toMatch(idAt('ntf', now));

    // The live announcement: the event, its ticket and status, and who was notified (their long-polls wake).
    const [announced] = await liveOf([t.id], 1);
    expect(announced).toEqual({ type: 'ticket.released', workspaceId: team.ws.id, ticketId: t.id, status: 'todo', eventId: ev.id, recipients: [`agent:${a.id}`], at: now.toISOString() });
  });

  it('a previous holder that is no longer in the workspace is not notified (notify.ts rules), the rest is written', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    await queryRaw(h.database.db, 'test_agent_gone', `UPDATE agents SET status = 'deleted' WHERE id = $1`, [a.id]);
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await releaseExpiredLeases(sys())).toBe(1);
    const { activity, events, notifications } = await rowsOf([t.id]);
    expect([activity.length, events.length, notifications.length]).toEqual([1, 1, 0]);
    const [announced] = await liveOf([t.id], 1);
    expect(announced).toMatchObject({ ticketId: t.id, eventId: events[0].id, recipients: [] });
  });

  it('releases many leases of several workspaces and agents in one statement, each with its own bookkeeping', async () => {
    const other = await createTeam(h);
    const holders = [
      { agent: await activeAgent(h, team.admin.key, team.ws.slug), ws: team.ws.id, key: team.member.key },
      { agent: await activeAgent(h, team.admin.key, team.ws.slug), ws: team.ws.id, key: team.member.key },
      { agent: await activeAgent(h, other.admin.key, other.ws.slug), ws: other.ws.id, key: other.member.key },
    ];
    const held: { t: Ticket; agent: Agent; ws: string }[] = [];
    for (let i = 0; i < 36; i++) {
      const { agent, ws, key } = holders[i % 3];
      held.push({ t: await claimed(agent, ws, key, `batch ${i}`), agent, ws });
    }
    clock.advance(CLAIM_LEASE_MS + 1);
    const now = clock.now();
    expect(await releaseExpiredLeases(sys(), 1000)).toBe(36);

    const ids = held.map((x) => x.t.id);
    const { activity, events, notifications } = await rowsOf(ids);
    expect([activity.length, events.length, notifications.length]).toEqual([36, 36, 36]);
    const announced = await liveOf(ids, 36);
    expect(announced).toHaveLength(36);
    // Every id distinct (across the three tables too), each of its table's format.
    const all = [...activity.map((x) => x.id), ...events.map((x) => x.id), ...notifications.map((x) => x.id)];
    expect(new Set(all).size).toBe(108);
    for (const { t, agent, ws } of held) {
      const r = (await row(t.id))!;
      expect(r).toMatchObject({ status: 'todo', claimedByAgentId: null, leaseExpiresAt: null, version: t.version + 1, statusChangedAt: now });
      const act = activity.filter((x) => x.targetId === t.id);
      expect(act).toHaveLength(1);
      expect(act[0]).toMatchObject({ workspaceId: ws, summary: `lease on #${t.number} expired; back to To-do`, metadata: { previousHolder: agent.id, leaseExpiresAt: t.leaseExpiresAt } });
      expect(act[0].id).toMatch(idAt('act', now));
      const ev = events.filter((x) => (x.data as any).ticket.id === t.id);
      expect(ev).toHaveLength(1);
      expect(ev[0].data).toEqual({ ticket: { id: t.id, number: t.number, title: t.title, status: 'todo' }, previousHolder: agent.id, reason: 'lease_expired', leaseExpiredAt: t.leaseExpiresAt });
      expect(ev[0].workspaceId).toBe(ws);
      expect(ev[0].id).toMatch(idAt('evt', now));
      const n = notifications.filter((x) => x.ticketId === t.id);
      expect(n).toHaveLength(1);
      expect(n[0]).toMatchObject({ recipientId: agent.id, workspaceId: ws, eventId: ev[0].id });
      expect(n[0].content).toContain(`Your lease on #${t.number} ${t.title} expired at ${t.leaseExpiresAt} `);
      expect(n[0].id).toMatch(idAt('ntf', now));
      expect(announced.filter((e) => e.ticketId === t.id)).toEqual([
        { type: 'ticket.released', workspaceId: ws, ticketId: t.id, status: 'todo', eventId: ev[0].id, recipients: [`agent:${agent.id}`], at: now.toISOString() },
      ]);
    }
  });

  it('a batch takes at most `batch` leases; a pass goes on while batches come back full', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => createTicket(h, team.member.key, team.ws.id, { title: `first ${i}` })));
    for (const t of first) expectOk(await claim(h, a.key, t.id));
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await releaseExpiredLeases(sys(), 2)).toBe(2);
    expect(await releaseExpiredLeases(sys(), 2)).toBe(2);
    expect(await releaseExpiredLeases(sys(), 2)).toBe(1);
    expect(await releaseExpiredLeases(sys(), 2)).toBe(0);

    const many = await Promise.all(Array.from({ length: 23 }, (_, i) => createTicket(h, team.member.key, team.ws.id, { title: `pass ${i}` })));
    for (const t of many) expectOk(await claim(h, a.key, t.id));
    clock.advance(CLAIM_LEASE_MS + 1);
    // One pass: 5 batches of 5 would be needed at most; it stops at the first short one, with everything released.
    expect(await sweepExpiredLeases(sys(), 5)).toBe(23);
    for (const t of many) expect((await row(t.id))!.status).toBe('todo');
    expect(await sweepExpiredLeases(sys(), 5)).toBe(0);
  });

  it('sweepers running at once release each expired lease exactly once', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const ts = await Promise.all(Array.from({ length: 40 }, (_, i) => createTicket(h, team.member.key, team.ws.id, { title: `race ${i}` })));
    for (const t of ts) expectOk(await claim(h, a.key, t.id));
    clock.advance(CLAIM_LEASE_MS + 1);
    const runs = await Promise.all([sweepExpiredLeases(sys(), 7), sweepExpiredLeases(sys(), 7), releaseExpiredLeases(sys(), 7), sweepExpiredLeases(sys(), 3)]);
    expect(runs.reduce((x, y) => x + y, 0)).toBe(40);
    const ids = ts.map((t) => t.id);
    const { activity, events, notifications } = await rowsOf(ids);
    for (const rows of [activity.map((x) => x.targetId), events.map((x) => (x.data as any).ticket.id), notifications.map((x) => x.ticketId)]) {
      expect(rows.sort()).toEqual([...ids].sort());
    }
    // Created (version 1), claimed, released once.
    for (const t of ts) expect((await row(t.id))!.version).toBe(t.version + 2);
  });

  it('a lease renewed after it ran out but before the sweeper came is not released', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const gone = await claimed(b);
    clock.advance(CLAIM_LEASE_MS + 1);
    // The heartbeat renews every lease the agent still holds, even one that ran out, as long as the sweeper has not run.
    expect(expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key })).leasesRenewed).toBe(1);
    const renewed = new Date(clock.now().getTime() + CLAIM_LEASE_MS);
    expect(await releaseExpiredLeases(sys())).toBe(1);
    expect(await row(t.id)).toMatchObject({ status: 'in_progress', claimedByAgentId: a.id, leaseExpiresAt: renewed, version: t.version });
    expect((await row(gone.id))!.status).toBe('todo');
    expect((await rowsOf([t.id])).activity).toEqual([]);
  });

  // Two connections at once: only a PostgreSQL server has them (PGlite is one session).
  it.runIf(!!process.env.TEST_DATABASE_URL)('a lease being renewed while the sweeper runs (its row locked) is skipped, and then not released', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const others = [await claimed(a), await claimed(a)];
    clock.advance(CLAIM_LEASE_MS + 1);
    const renewed = new Date(clock.now().getTime() + CLAIM_LEASE_MS);
    // The holder's renewal has the row locked (not committed yet) when the sweeper runs on another connection.
    const pool = (h.database.db as unknown as { $client: { connect(): Promise<{ query(text: string, values?: unknown[]): Promise<unknown>; release(): void }> } }).$client;
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('UPDATE tickets SET lease_expires_at = $1 WHERE id = $2', [renewed.toISOString(), t.id]);
      expect(await releaseExpiredLeases(sys())).toBe(2);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await releaseExpiredLeases(sys())).toBe(0);
    expect(await row(t.id)).toMatchObject({ status: 'in_progress', claimedByAgentId: a.id, leaseExpiresAt: renewed, version: t.version });
    expect((await rowsOf([t.id])).activity).toEqual([]);
    for (const o of others) expect((await row(o.id))!.status).toBe('todo');
  });
});
