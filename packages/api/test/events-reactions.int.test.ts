// Reactions to committed events (webhooks/dispatch-events.ts `onCommittedEvent`): what later features (crons,
// workflows) hang off a ticket's move sees every move, whichever path wrote it — an agent's one-statement move and
// a member's general transaction alike — once each, after commit, and a refused move (nothing committed) not at all.
// A reaction's writes commit with the dispatch; one that throws does not stop the others.
import { dispatchWebhookEvents, onCommittedEvent, registerCronRunReactions } from '@mc/core';
import { queryRaw } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectOk } from './helpers';
import { claim, createTicket, move } from './tickets.fixtures';

let h: Harness;
let team: Team;

beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

describe('reactions to committed events', () => {
  it('see every move, from the fast path and the general path, once, and nothing of a refused one', async () => {
    const seen: { type: string; ticket: string; from: string; to: string; actor: string }[] = [];
    const stop = onCommittedEvent('test.moves', ['ticket.moved'], async (tx, e) => {
      const d = e.data as { ticket: { id: string }; from: string; to: string };
      seen.push({ type: e.type, ticket: d.ticket.id, from: d.from, to: d.to, actor: e.actor.kind });
      // What a reaction writes commits with the dispatch (here: a mark on the ticket's activity).
      await queryRaw(tx.db, 'test_reaction_write', `UPDATE activity SET metadata = metadata || '{"reacted": true}'::jsonb WHERE target_id = $1 AND action = 'ticket.moved'`, [d.ticket.id]);
    });
    const stopBroken = onCommittedEvent('test.broken', ['ticket.moved'], async () => {
      throw new Error('a broken reaction');
    });
    try {
      const agent = await activeAgent(h, team.admin.key, team.ws.slug);
      const t = await createTicket(h, team.member.key, team.ws.id, { title: 'reacted to' });
      expectOk(await claim(h, agent.key, t.id));
      expectOk(await move(h, agent.key, t.id, 'pr_review')); // agent: the one-statement fast path
      expectOk(await move(h, team.member.key, t.id, 'in_progress')); // member: the general transaction
      expect((await move(h, team.viewer.key, t.id, 'pr_review')).status).toBe(403); // refused: nothing committed
      const system = h.ctxFor({ kind: 'system', name: 'test' });
      for (let i = 0; i < 5; i++) await dispatchWebhookEvents(system);
      const mine = seen.filter((s) => s.ticket === t.id);
      expect(mine).toEqual([
        { type: 'ticket.moved', ticket: t.id, from: 'in_progress', to: 'pr_review', actor: 'agent' },
        { type: 'ticket.moved', ticket: t.id, from: 'pr_review', to: 'in_progress', actor: 'user' },
      ]);
      const marked = await queryRaw<{ n: number }>(h.database.db, 'test_reaction_read', `SELECT count(*)::int AS n FROM activity WHERE target_id = $1 AND metadata->>'reacted' = 'true'`, [t.id]);
      expect(marked[0].n).toBe(2);
      // Dispatched once: another pass sees nothing new.
      await dispatchWebhookEvents(system);
      expect(seen.filter((s) => s.ticket === t.id)).toHaveLength(2);
    } finally {
      stop();
      stopBroken();
    }
  });

  it('a reaction that wants only some events of its types (wantsSql) leaves the others to the quiet skip', async () => {
    const system = h.ctxFor({ kind: 'system', name: 'test' });
    const drain = async () => {
      while ((await dispatchWebhookEvents(system)).events > 0);
    };
    const other = await createTeam(h);
    const seen: string[] = [];
    // Wants only the moves of `team`'s workspace: `other`'s moves (a workspace without receivers) are quiet.
    const stop = onCommittedEvent('test.one-workspace', ['ticket.moved'], async (_tx, e) => void seen.push(e.workspaceId), {
      wantsSql: (e) => `${e}.workspace_id = '${team.ws.id}'`,
    });
    try {
      const a = await activeAgent(h, team.admin.key, team.ws.slug);
      const b = await activeAgent(h, other.admin.key, other.ws.slug);
      const ta = await createTicket(h, team.member.key, team.ws.id, { title: 'wanted' });
      const tb = await createTicket(h, other.member.key, other.ws.id, { title: 'not wanted' });
      expectOk(await claim(h, a.key, ta.id));
      expectOk(await claim(h, b.key, tb.id));
      await drain();
      expectOk(await move(h, b.key, tb.id, 'pr_review'));
      expect(await dispatchWebhookEvents(system)).toMatchObject({ events: 1, quiet: 1 });
      expectOk(await move(h, a.key, ta.id, 'pr_review'));
      expect(await dispatchWebhookEvents(system)).toMatchObject({ events: 1, quiet: 0 });
      expect(seen).toEqual([team.ws.id]);
    } finally {
      stop();
    }
  });

  it("the cron runs' outcome reaction: a move or a finished execution in a workspace without a cron run in flight costs no full dispatch", async () => {
    const system = h.ctxFor({ kind: 'system', name: 'test' });
    const stop = registerCronRunReactions();
    try {
      const quiet = await createTeam(h);
      const a = await activeAgent(h, quiet.admin.key, quiet.ws.slug);
      const t = await createTicket(h, quiet.member.key, quiet.ws.id, { title: 'no cron here' });
      expectOk(await claim(h, a.key, t.id));
      while ((await dispatchWebhookEvents(system)).events > 0);
      expectOk(await move(h, a.key, t.id, 'pr_review'));
      expectOk(await move(h, a.key, t.id, 'done'));
      // Both moves (and nothing else) marked dispatched by the one skip statement, without the full path.
      expect(await dispatchWebhookEvents(system)).toMatchObject({ events: 2, quiet: 2 });
      // (With a run in flight the reaction gets the move: crons-scheduler.int.test.ts, "succeeds when it is Done".)
    } finally {
      stop();
    }
  });
});
