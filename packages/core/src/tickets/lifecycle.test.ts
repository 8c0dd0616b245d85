// The lifecycle table's derived forms: the PATCH table, the callers' moves, the generated SQL pieces. (The fast path
// against the general path, on a database: packages/api/test/tickets-lifecycle-equivalence.int.test.ts.)
import { describe, expect, it } from 'vitest';
import { claimableSql } from './claim-ticket';
import { noticeBeforeColumns, noticeSql } from './ticket-notices';
import { callerMoves, claimAfter, claimEffectSql, edgeOf, edgesVia, TICKET_LIFECYCLE, TICKET_TRANSITIONS, type ClaimEffect } from './tickets.rules';

describe('the lifecycle table', () => {
  it('answers the newcomer: out of pr_review, who may and what happens to the lease', () => {
    const out = edgesVia('move').filter((e) => e.from === 'pr_review');
    expect(out.map((e) => [e.to, [...e.by].sort(), e.claim])).toEqual([
      ['done', ['admin', 'assignee', 'holder', 'member'], 'end'],
      ['in_progress', ['admin', 'assignee', 'holder', 'member'], 'renew'],
      ['closed', ['admin'], 'end'],
    ]);
  });

  it('has every door: moves, claim, release, force-release, lease expiry; the PATCH table is its moves', () => {
    expect(new Set(TICKET_LIFECYCLE.map((e) => e.via))).toEqual(new Set(['move', 'claim', 'release', 'force_release', 'lease_expiry']));
    expect(Object.values(TICKET_TRANSITIONS).reduce((n, tos) => n + Object.keys(tos).length, 0)).toBe(edgesVia('move').length);
    expect([edgeOf('release').claim, edgeOf('force_release').claim, edgeOf('lease_expiry').claim]).toEqual(['clear', 'clear', 'clear']);
    expect(edgeOf('claim', 'todo').claim).toBe('start');
  });

  it('agents start work by claiming: To-do → in_progress is never among their moves unless they hold the ticket', () => {
    expect(callerMoves('todo', ['assignee'], 'agent')).toEqual([]);
    expect(callerMoves('todo', ['assignee'], 'person')).toEqual(['in_progress']);
    expect(callerMoves('in_progress', ['holder'], 'agent')).toEqual(['pr_review', 'todo']);
  });

  it('each claim effect has its JS and SQL forms, agreeing on what they touch', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const touched: Record<ClaimEffect, string[]> = { start: ['claimedAt', 'claimedByAgentId', 'leaseExpiresAt'], keep: [], renew: ['leaseExpiresAt'], end: ['leaseExpiresAt'], clear: ['claimedAt', 'claimedByAgentId', 'leaseExpiresAt'] };
    const column: Record<string, string> = { claimed_by_agent_id: 'claimedByAgentId', claimed_at: 'claimedAt', lease_expires_at: 'leaseExpiresAt' };
    for (const effect of Object.keys(touched) as ClaimEffect[]) {
      expect(Object.keys(claimAfter(effect, { claimedByAgentId: 'agt_1' }, now, 'agt_2')).sort(), effect).toEqual(touched[effect]);
      expect(claimEffectSql(effect, 't').map((s) => column[s.split(' = ')[0]]).sort(), effect).toEqual(touched[effect]);
    }
    expect(claimAfter('renew', { claimedByAgentId: null }, now)).toEqual({});
  });

  it("claimableSql keeps the literals that let the partial index serve the poll", () => {
    expect(claimableSql('t')).toContain("t.status = 'todo'");
    expect(claimableSql('t')).toContain('t.claimed_by_agent_id IS NULL');
  });

  it('a notice is SQL when the moved row tells it, and not when it names the previous holder', () => {
    const moved = noticeSql(edgeOf('move', 'in_progress', 'pr_review').notify, 'm');
    expect(moved?.slots).toBe(4);
    expect(moved?.sql).toContain("'status_change'");
    expect(noticeSql(edgeOf('lease_expiry').notify, 'm')).toBeNull();
    // Given the row before the edge and the expiry time (the lease sweeper's set statement), it is SQL too.
    expect(noticeBeforeColumns(edgeOf('lease_expiry').notify)).toEqual(['claimed_by_agent_id']);
    const swept = noticeSql(edgeOf('lease_expiry').notify, 'm', { before: (c) => `m.before_${c}`, vars: { leaseExpiredAt: () => 'x' }, ids: (i) => `m.nid${i}`, eventId: 'm.eid' });
    expect(swept?.slots).toBe(1);
    expect(swept?.sql).toContain("'lease_expired'");
    expect(swept?.sql).toContain('m.before_claimed_by_agent_id::text');
    expect(swept?.sql).toContain('(ARRAY[m.nid1])[r.n]');
    expect(noticeSql(edgeOf('lease_expiry').notify, 'm', { before: (c) => `m.before_${c}` })).toBeNull();
  });
});
