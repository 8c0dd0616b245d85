import { describe, expect, it } from 'vitest';
import { FakeGateway, FakeMc } from './fake-gateway.test-helpers';
import type { McCronForSync, SyncContext } from './mapping';
import { jobOfWriteResult, runSyncPass, type SyncPassPorts } from './sync-pass';

const ctx: SyncContext = { instanceTag: 'mc1', deliveryUrl: 'http://127.0.0.1:4700/hook' };
const cron = (id: string, over: Partial<McCronForSync> = {}): McCronForSync => ({
  id,
  owner: 'mission_control',
  name: `cron ${id}`,
  schedule: '*/5 * * * *',
  timezone: 'UTC',
  enabled: true,
  task: { title: 'Check', instructions: '' },
  gatewayAgentId: 'main',
  gatewayJobId: null,
  readOnly: false,
  syncState: 'pending',
  syncFingerprint: null,
  gatewayFingerprint: null,
  ...over,
});

function ports(gw: FakeGateway, mc: FakeMc, opts: { refuse?: (method: string, params: unknown) => unknown } = {}) {
  const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  const errors: [string, string][] = [];
  const calls: string[] = [];
  const p: SyncPassPorts = {
    ctx,
    clock,
    listJobs: async () => gw.list(),
    loadRecords: async () => mc.list(),
    call: async (method, params) => {
      calls.push(method);
      const refusal = opts.refuse?.(method, params);
      if (refusal) throw refusal;
      const q = params as { id: string; patch: never };
      if (method === 'cron.add') return { created: true, job: gw.add(params as never) };
      if (method === 'cron.update') return gw.update(q.id, q.patch);
      gw.remove(q.id);
      return { ok: true, removed: true };
    },
    applyMc: async (a) => mc.apply([a], gw),
    recordGatewayWrite: async (action, job, gatewayFingerprint) => {
      if (action.type === 'remove_from_gateway') return;
      const r = mc.records.get(action.cronId)!;
      mc.put({ ...r, gatewayJobId: job!.id, syncState: 'ok', syncFingerprint: action.syncFingerprint, gatewayFingerprint });
    },
    recordSyncError: async (cronId, message) => {
      errors.push([cronId, message]);
      const r = mc.records.get(cronId);
      if (r) mc.put({ ...r, syncState: 'error' });
    },
  };
  return { p, clock, errors, calls };
}

describe('a sync pass', () => {
  it('adds 40 crons under the write budget, then has nothing to do', async () => {
    const gw = new FakeGateway();
    const mc = new FakeMc(ctx);
    for (let i = 0; i < 40; i++) mc.put(cron(`crn_${i}`));
    const { p, clock } = ports(gw, mc);
    const r = await runSyncPass(p);
    expect(r).toMatchObject({ written: 40, failed: 0 });
    expect(gw.jobs).toHaveLength(40);
    expect(clock.t).toBeGreaterThanOrEqual(39 * 2_400); // spread: one add every 2.4 s
    const again = await runSyncPass(p);
    expect(again.plan.actions).toEqual([]);
    expect(again.written).toBe(0);
  });

  it('a write the gateway refuses for good marks that cron in error and the pass goes on', async () => {
    const gw = new FakeGateway();
    const mc = new FakeMc(ctx);
    mc.put(cron('crn_bad', { gatewayAgentId: 'ghost' }));
    mc.put(cron('crn_ok'));
    const { p, errors } = ports(gw, mc, { refuse: (_m, params) => ((params as { agentId?: string }).agentId === 'ghost' ? { code: 'INVALID_REQUEST', message: 'unknown agent: ghost' } : null) });
    const r = await runSyncPass(p);
    expect(r).toMatchObject({ written: 1, failed: 1 });
    expect(errors).toEqual([['crn_bad', 'cron.add failed: unknown agent: ghost']]);
    expect(mc.records.get('crn_bad')!.syncState).toBe('error');
    expect(mc.records.get('crn_ok')!.syncState).toBe('ok');
  });

  it('reads the job out of both shapes of a cron.add answer', () => {
    const job = { id: 'j', name: 'n', enabled: true, schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'm' } };
    expect(jobOfWriteResult({ created: false, updated: true, job })).toBe(job);
    expect(jobOfWriteResult(job)).toBe(job);
    expect(jobOfWriteResult({ ok: true })).toBeNull();
  });
});
