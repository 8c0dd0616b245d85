// Reactions to committed events (webhooks/dispatch-events.ts `onCommittedEvent`): what later features (crons,
// workflows) hang off a ticket's move sees every move, whichever path wrote it — an agent's one-statement move and
// a member's general transaction alike — once each, after commit, and a refused move (nothing committed) not at all.
// A reaction's writes commit with the dispatch; one that throws does not stop the others.
import { dispatchWebhookEvents, onCommittedEvent } from '@mc/core';
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
});
