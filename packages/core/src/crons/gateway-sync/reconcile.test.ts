import { describe, expect, it } from 'vitest';
import { FakeGateway, FakeMc } from './fake-gateway.test-helpers';
import { declarationKeyFor, type McCronForSync, type SyncContext } from './mapping';
import type { OpenClawJob } from './openclaw-job';
import { gatewayWrites, planReconcile, type SyncAction } from './reconcile';

const ctx: SyncContext = { instanceTag: 'mc1', deliveryUrl: 'http://127.0.0.1:4700/api/v1/gateways/gw_1/cron-deliveries' };

const cron = (over: Partial<McCronForSync> = {}): McCronForSync => ({
  id: 'crn_A',
  owner: 'mission_control',
  name: 'Morning brief',
  schedule: '0 7 * * 1-5',
  timezone: 'Europe/Berlin',
  enabled: true,
  task: { title: 'Summarize overnight updates', instructions: 'Use the ops channel.' },
  gatewayAgentId: 'ops',
  gatewayJobId: null,
  readOnly: false,
  syncState: 'pending',
  syncFingerprint: null,
  gatewayFingerprint: null,
  ...over,
});

function setup(records: McCronForSync[] = [cron()]) {
  const gw = new FakeGateway();
  const mc = new FakeMc(ctx);
  for (const r of records) mc.put(r);
  const sync = () => {
    const plan = planReconcile({ ctx, records: mc.list(), jobs: gw.list() });
    mc.apply(plan.actions, gw);
    return plan;
  };
  return { gw, mc, sync };
}

const types = (actions: SyncAction[]) => actions.map((a) => a.type);

describe('a cron created in Mission Control', () => {
  it('is added to the gateway once, with every control explicit, and the next pass has nothing to do', () => {
    const { gw, mc, sync } = setup();
    const first = sync();
    expect(types(first.actions)).toEqual(['add_to_gateway']);
    const add = first.actions[0] as Extract<SyncAction, { type: 'add_to_gateway' }>;
    expect(add.params).toMatchObject({
      name: 'Morning brief',
      declarationKey: 'mission-control:mc1:crn_A',
      agentId: 'ops',
      enabled: true,
      schedule: { kind: 'cron', expr: '0 7 * * 1-5', tz: 'Europe/Berlin', staggerMs: 0 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'Summarize overnight updates\n\nUse the ops channel.' },
      delivery: { mode: 'webhook', to: ctx.deliveryUrl },
    });
    expect(gw.jobs).toHaveLength(1);
    expect(mc.records.get('crn_A')).toMatchObject({ gatewayJobId: gw.jobs[0].id, syncState: 'ok' });
    const second = sync();
    expect(second.actions).toEqual([]);
    expect(second.inSync).toEqual(['crn_A']);
  });

  it('an add whose answer was lost (crash between the write and recording it) converges on the same job', () => {
    const { gw, mc, sync } = setup();
    const plan = planReconcile({ ctx, records: mc.list(), jobs: gw.list() });
    gw.add((plan.actions[0] as Extract<SyncAction, { type: 'add_to_gateway' }>).params); // the write happened, nothing recorded
    const again = sync();
    expect(types(again.actions)).toEqual(['mark_synced']);
    expect(gw.jobs).toHaveLength(1);
    expect(sync().actions).toEqual([]);
  });

  it('an edit in Mission Control updates only what changed on the gateway', () => {
    const { gw, mc, sync } = setup();
    sync();
    mc.put({ ...mc.records.get('crn_A')!, schedule: '30 8 * * *', syncState: 'pending' });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['update_gateway']);
    expect((plan.actions[0] as Extract<SyncAction, { type: 'update_gateway' }>).patch).toEqual({
      schedule: { kind: 'cron', expr: '30 8 * * *', tz: 'Europe/Berlin', staggerMs: 0 },
    });
    expect(gw.jobs[0].schedule.expr).toBe('30 8 * * *');
    expect(sync().actions).toEqual([]);
  });

  it('an edit on the gateway is mirrored into Mission Control, keeping what did not change', () => {
    const { gw, mc, sync } = setup([cron({ schedule: '@daily', task: { title: 'T', instructions: 'line one\n\nline two' } })]);
    sync();
    gw.update(gw.jobs[0].id, { name: 'Renamed on the gateway', enabled: false });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['update_mc']);
    const upd = plan.actions[0] as Extract<SyncAction, { type: 'update_mc' }>;
    expect(upd.changed.sort()).toEqual(['enabled', 'name']);
    const r = mc.records.get('crn_A')!;
    expect(r).toMatchObject({ name: 'Renamed on the gateway', enabled: false, schedule: '@daily', task: { title: 'T', instructions: 'line one\n\nline two' } });
    expect(sync().actions).toEqual([]);
  });

  it('a message edited on the gateway becomes title and instructions', () => {
    const { gw, mc, sync } = setup();
    sync();
    gw.update(gw.jobs[0].id, { payload: { kind: 'agentTurn', message: 'New title\n\nNew body' } });
    sync();
    expect(mc.records.get('crn_A')!.task).toMatchObject({ title: 'New title', instructions: 'New body' });
    expect(sync().actions).toEqual([]);
  });

  it("Mission Control's controls changed on the gateway are put back, content left alone", () => {
    const { gw, sync } = setup();
    sync();
    gw.update(gw.jobs[0].id, { delivery: { mode: 'none' } as never, wakeMode: 'next-heartbeat' as never });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['update_gateway']);
    expect(plan.actions[0]).toMatchObject({ reason: 'repair_controls', patch: { delivery: { mode: 'webhook', to: ctx.deliveryUrl }, wakeMode: 'now' } });
    expect(gw.jobs[0].delivery).toEqual({ mode: 'webhook', to: ctx.deliveryUrl });
    expect(sync().actions).toEqual([]);
  });

  it('a content edit and a control change on the gateway: mirrored and repaired in one pass', () => {
    const { gw, mc, sync } = setup();
    sync();
    gw.update(gw.jobs[0].id, { name: 'Changed', delivery: { mode: 'announce' } as never });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['update_mc', 'update_gateway']);
    expect(mc.records.get('crn_A')!.name).toBe('Changed');
    expect(gw.jobs[0].delivery).toEqual({ mode: 'webhook', to: ctx.deliveryUrl });
    expect(sync().actions).toEqual([]);
  });

  it('edits on both sides are a conflict, reported once and never duplicated; an admin picks a side', () => {
    const { gw, mc, sync } = setup();
    sync();
    gw.update(gw.jobs[0].id, { name: 'Gateway name' });
    mc.put({ ...mc.records.get('crn_A')!, name: 'Mission Control name' });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['report_conflict']);
    expect(plan.actions[0]).toMatchObject({ kind: 'changed_on_both_sides' });
    expect(sync().actions).toEqual([]); // reported already
    expect(gw.jobs).toHaveLength(1);
    mc.put({ ...mc.records.get('crn_A')!, resolveConflict: 'mission_control' });
    expect(types(sync().actions)).toEqual(['update_gateway']);
    expect(gw.jobs[0].name).toBe('Mission Control name');
    expect(sync().actions).toEqual([]);
  });

  it('the same edit on both sides is no conflict', () => {
    const { gw, mc, sync } = setup();
    sync();
    gw.update(gw.jobs[0].id, { name: 'Same' });
    mc.put({ ...mc.records.get('crn_A')!, name: 'Same' });
    expect(types(sync().actions)).toEqual(['mark_synced']);
    expect(sync().actions).toEqual([]);
  });

  it('deleted on the gateway: the cron goes too, unless it was edited here since (conflict)', () => {
    const a = setup();
    a.sync();
    a.gw.remove(a.gw.jobs[0].id);
    expect(types(a.sync().actions)).toEqual(['remove_from_mc']);
    expect(a.mc.records.size).toBe(0);

    const b = setup();
    b.sync();
    b.gw.remove(b.gw.jobs[0].id);
    b.mc.put({ ...b.mc.records.get('crn_A')!, name: 'Edited meanwhile' });
    const plan = b.sync();
    expect(plan.actions[0]).toMatchObject({ type: 'report_conflict', kind: 'changed_here_deleted_there' });
    expect(b.sync().actions).toEqual([]);
  });

  it('deleted in Mission Control: the job is removed from the gateway', () => {
    const { gw, mc, sync } = setup();
    sync();
    mc.records.delete('crn_A');
    const plan = sync();
    expect(plan.actions).toEqual([{ type: 'remove_from_gateway', jobId: 'job-1', cronId: 'crn_A', reason: 'deleted_in_mission_control' }]);
    expect(gw.jobs).toHaveLength(0);
    expect(sync().actions).toEqual([]);
  });

  it('@every and @once map to OpenClaw kinds with the epoch anchor and a kept one-shot', () => {
    const { gw, sync } = setup([cron({ id: 'crn_E', schedule: '@every 1h30m' }), cron({ id: 'crn_O', schedule: '@once 2027-03-01T09:00', timezone: 'Europe/Berlin' })]);
    sync();
    const byKey = (id: string) => gw.jobs.find((j) => j.declarationKey === declarationKeyFor(ctx, id))!;
    expect(byKey('crn_E').schedule).toEqual({ kind: 'every', everyMs: 5_400_000, anchorMs: 0 });
    expect(byKey('crn_O').schedule).toEqual({ kind: 'at', at: '2027-03-01T08:00:00.000Z' });
    expect(byKey('crn_O').deleteAfterRun).toBe(false);
    // The one-shot ran and the gateway disabled it: for Mission Control it is still an enabled cron with nothing left.
    Object.assign(byKey('crn_O'), { enabled: false, state: { lastRunAtMs: Date.UTC(2027, 2, 1, 8) } });
    expect(sync().actions).toEqual([]);
  });

  it('two instances on one gateway leave each other alone', () => {
    const { gw, sync } = setup();
    sync();
    const other: SyncContext = { ...ctx, instanceTag: 'mc2' };
    const plan = planReconcile({ ctx: other, records: [], jobs: gw.list() });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ type: 'import_to_mc', fields: { readOnly: true, readOnlyReason: 'other_instance' } });
  });

  it('two jobs carrying one cron key are reported, not merged or removed', () => {
    const { gw, mc, sync } = setup();
    const key = declarationKeyFor(ctx, 'crn_A');
    gw.jobs.push({ id: 'dup-1', name: 'x', declarationKey: key, enabled: true, schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'x' } });
    gw.jobs.push({ id: 'dup-2', name: 'x', declarationKey: key, enabled: true, schedule: { kind: 'every', everyMs: 60_000 }, payload: { kind: 'agentTurn', message: 'x' } });
    const plan = sync();
    expect(types(plan.actions)).toEqual(['report_conflict']);
    expect(plan.actions[0]).toMatchObject({ kind: 'duplicate_link' });
    expect(gw.jobs).toHaveLength(2);
    expect(mc.records.get('crn_A')!.syncState).toBe('conflict');
    expect(sync().actions).toEqual([]);
  });
});

describe('jobs created on the gateway', () => {
  const userJob = (over: Partial<OpenClawJob> = {}): OpenClawJob => ({
    id: 'u-1',
    name: 'Nightly report',
    agentId: 'ops',
    enabled: true,
    createdAtMs: Date.UTC(2027, 0, 1),
    schedule: { kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 300_000 },
    sessionTarget: 'isolated',
    wakeMode: 'now',
    payload: { kind: 'agentTurn', message: 'Write the report' },
    delivery: { mode: 'announce', channel: 'slack', to: 'channel:C1' },
    state: {},
    ...over,
  });

  it('are imported as owner gateway, editable, without touching their delivery or stagger', () => {
    const { gw, mc, sync } = setup([]);
    gw.jobs.push(userJob());
    const plan = sync();
    expect(types(plan.actions)).toEqual(['import_to_mc']);
    const r = [...mc.records.values()][0];
    expect(r).toMatchObject({ owner: 'gateway', gatewayJobId: 'u-1', name: 'Nightly report', schedule: '0 * * * *', timezone: 'UTC', readOnly: false, task: { title: 'Write the report', instructions: '' } });
    expect(sync().actions).toEqual([]);
    // Edited in Mission Control: only the content goes back, the gateway's delivery and stagger stay.
    mc.put({ ...r, name: 'Hourly report' });
    const push = sync();
    expect(push.actions[0]).toMatchObject({ type: 'update_gateway', patch: { name: 'Hourly report' } });
    expect(Object.keys((push.actions[0] as Extract<SyncAction, { type: 'update_gateway' }>).patch)).toEqual(['name']);
    expect(gw.jobs[0].delivery).toEqual({ mode: 'announce', channel: 'slack', to: 'channel:C1' });
    expect(sync().actions).toEqual([]);
  });

  it("OpenClaw's built-ins and what Mission Control cannot represent are imported read-only and never written", () => {
    const { gw, mc, sync } = setup([]);
    gw.jobs.push(
      userJob({ id: 'hb', name: 'heartbeat-main', declarationKey: 'heartbeat:main', schedule: { kind: 'every', everyMs: 1_800_000, anchorMs: 123 }, payload: { kind: 'heartbeat' }, sessionTarget: 'main' }),
      userJob({ id: 'mem', name: 'Memory Dreaming Promotion', declarationKey: 'memory-core:memory-dreaming-promotion', description: '[managed-by=memory-core.short-term-promotion] Promote', schedule: { kind: 'cron', expr: '0 3 * * *', tz: 'UTC' } }),
      userJob({ id: 'skill', name: 'skill-collection-review-main', declarationKey: 'skill-collection-review:main', schedule: { kind: 'every', everyMs: 604_800_000, anchorMs: 5 } }),
      userJob({ id: 'cmd', payload: { kind: 'command', argv: ['backup.sh'] } }),
      userJob({ id: 'exit', schedule: { kind: 'on-exit', command: './watch.sh' } }),
      userJob({ id: 'notz', schedule: { kind: 'cron', expr: '0 9 * * *' } }),
      userJob({ id: 'six', schedule: { kind: 'cron', expr: '0 0 9 * * *', tz: 'UTC' } }),
      userJob({ id: 'trig', trigger: { script: 'json({fire:true})' } }),
    );
    const plan = sync();
    const reasons = Object.fromEntries(plan.actions.map((a) => [(a as Extract<SyncAction, { type: 'import_to_mc' }>).jobId, (a as Extract<SyncAction, { type: 'import_to_mc' }>).fields.readOnlyReason]));
    expect(reasons).toEqual({ hb: 'builtin', mem: 'builtin', skill: 'builtin', cmd: 'unsupported_payload', exit: 'unsupported_schedule', notz: 'no_timezone', six: 'unsupported_schedule', trig: 'conditional' });
    expect([...mc.records.values()].every((r) => r.readOnly)).toBe(true);
    const again = planReconcile({ ctx, records: mc.list(), jobs: gw.list() });
    expect(again.actions).toEqual([]);
    expect(again.readOnly.sort()).toEqual(['cmd', 'exit', 'hb', 'mem', 'notz', 'six', 'skill', 'trig']);
    // Changed on the gateway: mirrored into Mission Control, still read-only; nothing is ever written to the gateway.
    gw.jobs.find((j) => j.id === 'mem')!.schedule = { kind: 'cron', expr: '0 4 * * *', tz: 'UTC' };
    const mirror = sync();
    expect(types(mirror.actions)).toEqual(['update_mc']);
    expect(gatewayWrites(mirror.actions)).toEqual([]);
    expect(sync().actions).toEqual([]);
  });

  it('a job that becomes representable turns editable; gone from the gateway, its cron goes', () => {
    const { gw, mc, sync } = setup([]);
    gw.jobs.push(userJob({ schedule: { kind: 'cron', expr: '0 9 * * *' } }));
    sync();
    expect([...mc.records.values()][0].readOnly).toBe(true);
    gw.jobs[0].schedule = { kind: 'cron', expr: '0 9 * * *', tz: 'America/New_York' };
    expect(types(sync().actions)).toEqual(['update_mc']);
    expect([...mc.records.values()][0]).toMatchObject({ readOnly: false, timezone: 'America/New_York' });
    expect(sync().actions).toEqual([]);
    gw.jobs = [];
    expect(types(sync().actions)).toEqual(['remove_from_mc']);
    expect(mc.records.size).toBe(0);
  });
});

describe('planner is idempotent over a mixed gateway', () => {
  it('converges in one pass and stays converged', () => {
    const { gw, sync } = setup([cron(), cron({ id: 'crn_B', schedule: '@every 15m', enabled: false }), cron({ id: 'crn_C', schedule: '@once 2027-06-01T00:00:00Z' })]);
    gw.jobs.push({ id: 'u-9', name: 'Gateway-made', enabled: true, schedule: { kind: 'every', everyMs: 900_000, anchorMs: 42 }, payload: { kind: 'agentTurn', message: 'Hello' }, state: {} });
    const first = sync();
    expect(types(first.actions).sort()).toEqual(['add_to_gateway', 'add_to_gateway', 'add_to_gateway', 'import_to_mc']);
    expect(gw.jobs).toHaveLength(4);
    expect(sync().actions).toEqual([]);
    expect(sync().actions).toEqual([]);
  });
});
