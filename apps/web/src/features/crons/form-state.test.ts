import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, emptyDraft, fieldsShownInline, targetErrors } from './form-state';
import type { Cron } from './types';

describe('cron form state', () => {
  it('sends what was typed: trimmed text, labels split, empty waits left to the server, rows as they stand', () => {
    const d = {
      ...emptyDraft('Europe/Berlin', { workspaceId: 'wsp_1', agentId: 'agt_1' }),
      name: '  Triage ',
      schedule: ' @every 15m ',
      title: ' Look at new issues ',
      labels: 'triage, nightly,,triage\nops',
      maxAttempts: '4',
      baseSeconds: '30',
      targets: [
        { workspaceId: 'wsp_1', agentId: 'agt_1' },
        { workspaceId: 'wsp_2', agentId: '' },
      ],
    };
    const body = bodyOf(d);
    expect(body).toMatchObject({ name: 'Triage', schedule: '@every 15m', timezone: 'Europe/Berlin', enabled: true, concurrency: 'skip', catchUp: 'once' });
    expect(body.task).toEqual({ title: 'Look at new issues', instructions: '', labels: ['triage', 'nightly', 'ops'], priority: 'medium', createTicket: true });
    expect(body.retry).toEqual({ maxAttempts: 4, backoff: 'exponential', baseSeconds: 30 });
    // The unfinished second row is sent, so that the server's `targets.1.agentId` names the row on screen.
    expect(body.targets).toEqual([
      { workspaceId: 'wsp_1', agentId: 'agt_1' },
      { workspaceId: 'wsp_2', agentId: '' },
    ]);
    // A number typed wrong goes to the server as such, to be refused there by name.
    expect(bodyOf({ ...d, maxAttempts: 'x' }).retry?.maxAttempts).toBeNaN();
  });

  it('edits a cron as it reads back', () => {
    const cron = {
      name: 'Nightly',
      schedule: '0 2 * * *',
      timezone: 'America/New_York',
      targets: [{ workspaceId: 'wsp_1', agentId: 'agt_1', agentName: 'coder' }],
      task: { title: 'Report', instructions: 'Sum up', labels: ['a', 'b'], priority: 'high', createTicket: false },
      retry: { maxAttempts: 2, backoff: 'fixed', baseSeconds: 60, maxSeconds: 600 },
      concurrency: 'queue_one',
      catchUp: 'skip',
      enabled: false,
    } as unknown as Cron;
    const d = draftOf(cron);
    expect(d).toMatchObject({ labels: 'a, b', maxAttempts: '2', baseSeconds: '60', maxSeconds: '600', createTicket: false, enabled: false });
    expect(bodyOf(d)).toMatchObject({ schedule: '0 2 * * *', retry: { maxAttempts: 2, backoff: 'fixed', baseSeconds: 60, maxSeconds: 600 }, targets: [{ workspaceId: 'wsp_1', agentId: 'agt_1' }] });
  });

  it('puts the server’s target issues on their rows', () => {
    const issues = [
      { field: 'targets', message: 'at least one target' },
      { field: 'targets.1.agentId', message: 'agent not found' },
      { field: 'targets.1', message: 'duplicate' },
      { field: 'name', message: 'required' },
    ];
    const t = targetErrors(issues);
    expect(t.list).toBe('at least one target');
    expect([...t.rows]).toEqual([[1, 'agent not found']]);
    expect(fieldsShownInline(issues)).toEqual(expect.arrayContaining(['name', 'task.title', 'targets', 'targets.1.agentId', 'targets.1']));
  });
});
