// The claim under contention: many agents, one ticket (exactly one winner, the others told who holds it), and
// many agents draining a queue by poll-and-claim (every ticket claimed exactly once). On PostgreSQL the harness
// pool runs the claims on several connections at once (real row-lock contention); on PGlite (one connection) they
// interleave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { activeAgents, activeAgentsDirect, activityOf, available, claim, createTicket, getTicket, inBatches, type Agent, type Ticket } from './tickets.fixtures';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('claim race', () => {
  it('50 agents claim one ticket at once: exactly one 200, 49 × 409 CONFLICT naming the holder', async () => {
    const team = await createTeam(h);
    const agents = await activeAgents(h, team.admin.key, team.ws.slug, 50);
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'contended' });

    const results = await Promise.all(agents.map((a) => claim(h, a.key, t.id)));

    const won = results.flatMap((r, i) => (r.status === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    const winner = agents[won[0]];
    const claimed = expectOk(results[won[0]]) as Ticket;
    expect(claimed.status).toBe('in_progress');
    expect(claimed.claimedBy).toBe(winner.id);
    expect(claimed.leaseExpiresAt).not.toBeNull();

    const losers = results.filter((_, i) => i !== won[0]);
    expect(losers).toHaveLength(49);
    for (const r of losers) {
      const err = expectError(r, 409, 'CONFLICT');
      expect(err.details.claimedBy).toBe(winner.id);
      expect(err.details.claimedByName).toBe(winner.name);
      expect(err.details.leaseExpiresAt).toBe(claimed.leaseExpiresAt);
    }

    // The row agrees, the claim bumped the version once, and the log has one claim, by the winner.
    const row = await getTicket(h, team.member.key, t.id);
    expect(row.status).toBe('in_progress');
    expect(row.claimedBy).toBe(winner.id);
    expect(row.version).toBe(t.version + 1);
    const log = await activityOf(h, { workspaceId: team.ws.id, action: 'ticket.claimed' });
    expect(log.map((e) => [e.target.id, e.actor.id])).toEqual([[t.id, winner.id]]);

    // The ticket is no longer offered to anyone.
    expect((await available(h, agents[(won[0] + 1) % 50].key, '?limit=100')).map((x) => x.id)).not.toContain(t.id);
  });

  it('100 agents drain 500 tickets by poll-and-claim: every ticket is claimed exactly once', async () => {
    const AGENTS = 100;
    const TICKETS = 500;
    const t0 = Date.now();
    const team = await createTeam(h);
    const [agents] = await Promise.all([
      activeAgentsDirect(h, team.admin, team.ws.id, AGENTS),
      inBatches(TICKETS, 50, (i) =>
        createTicket(h, team.member.key, team.ws.id, { title: `job ${i}`, priority: (['urgent', 'high', 'medium', 'low'] as const)[i % 4] }),
      ),
    ]);

    const wins = new Map<string, string[]>(agents.map((a) => [a.id, []]));
    let conflicts = 0;
    const unexpected: string[] = [];

    // Each agent: poll (limit 5) → try to claim one of what it was offered → repeat until nothing is offered. No
    // back-off: a loser polls again at once.
    // On PostgreSQL all 100 agents run freely: the pool of 10 connections and the row locks are the real contention.
    // PGlite runs one statement at a time, and in-process requests on it are one chain of promise continuations
    // (timers do not fire until it ends), so 100 free agents would only move in lock-step: all poll the same five
    // tickets, 95 of every 100 claims lose, ~20,000 requests in all (2–6 minutes on a busy 2-core machine). There, at
    // most GATE agents are between their poll and their claim at any moment — still several agents picking from the
    // same five tickets each time (hundreds of lost claims per run).
    const GATE = 10;
    const gate = new Gate(h.database.kind === 'pglite' ? GATE : AGENTS);
    const work = async (a: Agent) => {
      for (let round = 0; round < 10_000; round++) {
        const done = await gate.run(async () => {
          const offered = await available(h, a.key, '?limit=5');
          if (offered.length === 0) return true;
          // Any of the offered tickets: agents spread over the offer, and still collide.
          const pick = offered[Math.floor(Math.random() * offered.length)];
          expect(pick.status).toBe('todo');
          expect(pick.claimedBy).toBeNull();
          const r = await claim(h, a.key, pick.id);
          if (r.status === 200) {
            expect(r.body.data.claimedBy).toBe(a.id);
            wins.get(a.id)!.push(pick.id);
          } else if (r.status === 409 && r.body.error.code === 'CONFLICT' && r.body.error.details?.claimedBy) {
            expect(r.body.error.details.claimedBy).not.toBe(a.id);
            conflicts++;
          } else {
            unexpected.push(`${r.status} ${JSON.stringify(r.body)}`);
            return true;
          }
          return false;
        });
        if (done) return;
      }
      throw new Error(`agent ${a.name} did not finish`);
    };
    const started = Date.now();
    await Promise.all(agents.map((a) => work(a)));
    const elapsed = Date.now() - started;

    expect(unexpected).toEqual([]);
    const claimedIds = [...wins.values()].flat();
    expect(claimedIds).toHaveLength(TICKETS);
    expect(new Set(claimedIds).size).toBe(TICKETS);
    // The agents really raced: claims were lost (at the start all 100 poll the same five tickets).
    expect(conflicts).toBeGreaterThan(0);

    // The rows: all 500 in progress, each held by the agent whose claim succeeded.
    const rows = await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, team.ws.id) });
    expect(rows).toHaveLength(TICKETS);
    const holderOf = new Map<string, string>();
    for (const [agentId, ids] of wins) for (const id of ids) holderOf.set(id, agentId);
    for (const row of rows) {
      expect(row.status, row.id).toBe('in_progress');
      expect(row.claimedByAgentId, row.id).toBe(holderOf.get(row.id));
      // Created at version 1, claimed once.
      expect(row.version, row.id).toBe(2);
    }

    // The activity log: exactly 500 claims, on 500 distinct tickets, each by the holder.
    const log = await activityOf(h, { workspaceId: team.ws.id, action: 'ticket.claimed' });
    expect(log).toHaveLength(TICKETS);
    expect(new Set(log.map((e) => e.target.id)).size).toBe(TICKETS);
    for (const e of log) expect(e.actor.id, e.target.id).toBe(holderOf.get(e.target.id));

    // Nothing is left to poll.
    expect(await available(h, agents[0].key, '?limit=100')).toEqual([]);
    const busy = [...wins.values()].filter((w) => w.length > 0).length;
    console.info(`[race] ${h.database.kind}: seeding ${started - t0} ms; ${AGENTS} agents drained ${TICKETS} tickets in ${elapsed} ms (${conflicts} lost claims, ${busy} agents got work)`);
  }, 300_000);
});

/** At most `width` callers inside `run` at once; the others wait their turn, first come first served. */
class Gate {
  private inside = 0;
  private queue: (() => void)[] = [];
  constructor(private width: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside >= this.width) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.inside++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.inside--;
    }
  }
}
