import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../ui/types';
import { statusSteps } from './status-steps';

let n = 0;
function entry(over: Partial<Activity> & Pick<Activity, 'action'>): Activity {
  n += 1;
  return {
    id: `act_${n}`,
    workspaceId: 'wsp_1',
    actor: { kind: 'agent', id: 'agt_1', name: 'coder' },
    target: { kind: 'ticket', id: 'tkt_1' },
    summary: over.action,
    status: null,
    metadata: {},
    requestId: null,
    createdAt: `2026-12-07T15:00:${String(n).padStart(2, '0')}.000Z`,
    ...over,
  };
}

/** The API lists activity newest first. */
const newestFirst = (...entries: Activity[]) => entries.reverse();

describe('statusSteps', () => {
  it('reads each step from the status recorded on the entry, and from/to where the entry says them', () => {
    const steps = statusSteps(
      newestFirst(
        entry({ action: 'ticket.created' }),
        entry({ action: 'ticket.claimed', status: 'in_progress', metadata: { from: 'todo', to: 'in_progress' } }),
        entry({ action: 'comment.created' }),
        entry({ action: 'ticket.lease_expired', status: 'todo', metadata: { previousHolder: 'agt_1' } }),
        entry({ action: 'ticket.moved', status: 'closed', metadata: { from: 'todo', to: 'closed', closedReason: 'duplicate' } }),
      ),
      'closed',
    );
    expect(steps.map((s) => [s.from, s.to, s.note])).toEqual([
      [null, 'todo', undefined],
      ['todo', 'in_progress', 'claimed'],
      ['in_progress', 'todo', 'lease expired'],
      ['todo', 'closed', 'duplicate'],
    ]);
  });

  it('leaves out entries after which the status is what it was (an edit, a release that kept the status)', () => {
    const steps = statusSteps(
      newestFirst(
        entry({ action: 'ticket.created' }),
        entry({ action: 'ticket.updated' }),
        entry({ action: 'ticket.released', status: 'todo', metadata: { from: 'todo', to: 'todo' } }),
      ),
      'todo',
    );
    expect(steps.map((s) => s.to)).toEqual(['todo']);
  });

  it('knows the creation status only from the record: the first change’s from, else the current status', () => {
    expect(statusSteps(newestFirst(entry({ action: 'ticket.created' })), 'pr_review')[0]).toMatchObject({ from: null, to: 'pr_review' });
  });
});
