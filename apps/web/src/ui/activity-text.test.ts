import { describe, expect, it } from 'vitest';
import { activityLink, readableSummary } from './activity-text';
import type { Activity } from './types';

function entry(over: Partial<Activity> & Pick<Activity, 'action' | 'summary'>): Activity {
  return {
    id: 'act_1',
    workspaceId: 'wsp_1',
    actor: { kind: 'agent', id: 'agt_01ABC', name: 'coder' },
    target: { kind: 'ticket', id: 'tkt_1' },
    status: null,
    metadata: {},
    requestId: null,
    createdAt: '2026-12-07T15:00:00.000Z',
    ...over,
  };
}

const names: Record<string, string> = { agt_01ABC: 'coder', agt_02DEF: 'reviewer' };
const agentName = (id: string | null | undefined) => (id ? (names[id] ?? null) : null);

describe('readableSummary', () => {
  it('says ticket statuses by their labels', () => {
    const e = entry({ action: 'ticket.moved', summary: 'moved #2 from in_progress to pr_review', metadata: { from: 'in_progress', to: 'pr_review', closedReason: null } });
    expect(readableSummary(e)).toBe('moved #2 from In Progress to PR Review');
  });

  it('leaves a title that merely contains a status word alone', () => {
    const e = entry({ action: 'ticket.created', summary: 'created #3 Rename todo to in_progress in the docs' });
    expect(readableSummary(e)).toBe('created #3 Rename todo to in_progress in the docs');
  });

  it('says durations and token counts as a person reads them', () => {
    const e = entry({
      action: 'execution.finished',
      target: { kind: 'execution', id: 'exe_1' },
      summary: 'finished an execution: success in 10126 ms, 15400 tokens, $0.064',
      metadata: { durationMs: 10126 },
      status: 'success',
    });
    expect(readableSummary(e)).toBe('finished an execution: success in 10 s, 15,400 tokens, $0.064');
    const long = entry({ action: 'execution.finished', summary: 'finished an execution: failed in 95000 ms, 12 tokens' });
    expect(readableSummary(long)).toBe('finished an execution: failed in 1 min 35 s, 12 tokens');
  });

  it('names agents instead of their ids, and leaves out ids that only the link needs', () => {
    const e = entry({
      action: 'webhook.redelivered',
      target: { kind: 'webhook_delivery', id: 'whd_01XYZ' },
      summary: 'asked to redeliver ticket.created (whd_01XYZ) to agent agt_02DEF',
    });
    expect(readableSummary(e, agentName)).toBe('asked to redeliver ticket.created to agent reviewer');
    expect(readableSummary(e)).toBe('asked to redeliver ticket.created to an agent');
    const hook = entry({ action: 'webhook.redelivered', summary: 'asked to redeliver ticket.moved (whd_01XYZ) to webhook whk_01QQQ' });
    expect(readableSummary(hook)).toBe('asked to redeliver ticket.moved to a webhook');
  });

  it('says the changed fields of an update as words', () => {
    const e = entry({ action: 'workspace.updated', target: { kind: 'workspace', id: 'wsp_1' }, summary: 'updated mission, defaultRepository' });
    expect(readableSummary(e)).toBe('updated mission, default repository');
    const t = entry({ action: 'ticket.updated', summary: 'edited title, requiredCapabilities of #4' });
    expect(readableSummary(t)).toBe('edited title, required capabilities of #4');
    const a = entry({ action: 'agent.updated', summary: 'updated endpoint, capabilities of agent coderBot' });
    expect(readableSummary(a)).toBe('updated endpoint, capabilities of agent coderBot');
  });

  it('says instants in local time', () => {
    const e = entry({ action: 'agent.key_rotated', summary: "rotated coder's API key (previous keys work until 2026-12-08T15:00:00.000Z)" });
    expect(readableSummary(e)).not.toContain('2026-12-08T15:00:00.000Z');
    expect(readableSummary(e)).toMatch(/previous keys work until .*2026/);
  });
});

describe('activityLink', () => {
  const base = '/w/apollo';
  it('leads to what the entry is about', () => {
    expect(activityLink(entry({ action: 'ticket.moved', summary: '' }), base)?.href).toBe('/w/apollo/tickets/tkt_1');
    expect(activityLink(entry({ action: 'execution.finished', summary: '', target: { kind: 'execution', id: 'exe_1' } }), base)).toMatchObject({
      href: '/w/apollo/executions/exe_1',
      testId: 'activity-execution-link',
    });
    expect(activityLink(entry({ action: 'agent.approved', summary: '', target: { kind: 'agent', id: 'agt_01ABC' } }), base)?.href).toBe('/w/apollo/agents/agt_01ABC');
    expect(activityLink(entry({ action: 'webhook.created', summary: '', target: { kind: 'webhook', id: 'whk_1' } }), base)?.href).toBe('/w/apollo/webhooks');
    expect(activityLink(entry({ action: 'webhook.redelivered', summary: '', target: { kind: 'webhook_delivery', id: 'whd_1' } }), base)?.href).toBe('/w/apollo/webhooks/deliveries/whd_1');
    expect(activityLink(entry({ action: 'member.added', summary: '', target: { kind: 'user', id: 'usr_1' } }), base)?.href).toBe('/w/apollo/members');
    expect(activityLink(entry({ action: 'workspace.updated', summary: '', target: { kind: 'workspace', id: 'wsp_1' } }), base)?.href).toBe('/w/apollo/settings');
  });

  it('does not lead to a deleted agent, nor to pages a workspace does not have', () => {
    expect(activityLink(entry({ action: 'agent.deleted', summary: '', status: 'deleted', target: { kind: 'agent', id: 'agt_01ABC' } }), base)).toBeNull();
    expect(activityLink(entry({ action: 'api_key.created', summary: '', target: { kind: 'api_key', id: 'key_1' } }), base)).toBeNull();
  });
});
