import { describe, expect, it } from 'vitest';
import {
  composeMessage,
  contentFromMc,
  declarationKeyFor,
  fingerprint,
  jobView,
  mcFingerprint,
  parseDeclarationKey,
  scheduleText,
  splitMessage,
  type McCronForSync,
  type SyncContext,
} from './mapping';
import { builtinKind, type OpenClawJob } from './openclaw-job';

const ctx: SyncContext = { instanceTag: 'abc123', deliveryUrl: 'https://mc.example/api/v1/gateways/gw_1/cron-deliveries' };
const record = (over: Partial<McCronForSync> = {}): McCronForSync => ({
  id: 'crn_1',
  owner: 'mission_control',
  name: 'n',
  schedule: '@hourly',
  timezone: 'UTC',
  enabled: true,
  task: { title: 'T', instructions: '' },
  gatewayAgentId: 'main',
  gatewayJobId: null,
  readOnly: false,
  syncState: null,
  syncFingerprint: null,
  gatewayFingerprint: null,
  ...over,
});

describe('the link', () => {
  it('is a declaration key naming the instance and the cron, read back the same', () => {
    const key = declarationKeyFor(ctx, 'crn_01JD');
    expect(key).toBe('mission-control:abc123:crn_01JD');
    expect(key.length).toBeLessThanOrEqual(200);
    expect(parseDeclarationKey(key)).toEqual({ instanceTag: 'abc123', cronId: 'crn_01JD' });
    expect(parseDeclarationKey('heartbeat:main')).toBeNull();
    expect(parseDeclarationKey(undefined)).toBeNull();
    expect(() => declarationKeyFor({ ...ctx, instanceTag: 'Bad Tag' }, 'c')).toThrow();
  });
});

describe('messages', () => {
  it('title and instructions round-trip through the message', () => {
    for (const [title, instructions] of [
      ['Daily digest', ''],
      ['Daily digest', 'Summarize.\n\nThen post it.'],
    ]) {
      const m = composeMessage(title, instructions);
      expect(splitMessage(m, 'fallback')).toEqual({ title, instructions });
    }
  });
  it('a message that is not "title, blank line, body" keeps all its text as instructions', () => {
    expect(splitMessage('line one\nline two', 'Job name')).toEqual({ title: 'Job name', instructions: 'line one\nline two' });
    expect(splitMessage('x'.repeat(400), 'Job')).toEqual({ title: 'Job', instructions: 'x'.repeat(400) });
  });
});

describe('schedules', () => {
  it('Mission Control forms map to OpenClaw kinds (macros expanded, @once wall time read in the zone)', () => {
    expect(contentFromMc(record({ schedule: '@hourly' }))!.schedule).toEqual({ kind: 'cron', expr: '0 * * * *', tz: 'UTC' });
    expect(contentFromMc(record({ schedule: '@every 2h' }))!.schedule).toEqual({ kind: 'every', everyMs: 7_200_000 });
    expect(contentFromMc(record({ schedule: '@once 2027-07-01T09:00', timezone: 'America/New_York' }))!.schedule).toEqual({ kind: 'at', atMs: Date.UTC(2027, 6, 1, 13) });
    expect(contentFromMc(record({ schedule: 'not a schedule' }))).toBeNull();
  });
  it('and back into the text Mission Control stores', () => {
    expect(scheduleText({ kind: 'every', everyMs: 5_400_000 })).toMatchObject({ schedule: '@every 1h30m', scheduleKind: 'every' });
    expect(scheduleText({ kind: 'at', atMs: Date.UTC(2027, 0, 1) })).toMatchObject({ schedule: '@once 2027-01-01T00:00:00.000Z', scheduleKind: 'once' });
    expect(scheduleText({ kind: 'cron', expr: '0 9 * * 1-5', tz: 'Europe/Berlin' })).toEqual({ schedule: '0 9 * * 1-5', scheduleKind: 'cron', timezone: 'Europe/Berlin' });
  });
  it('an every-interval that is not whole seconds, or under a minute, is read-only', () => {
    const job = (everyMs: number): OpenClawJob => ({ id: 'j', name: 'j', enabled: true, schedule: { kind: 'every', everyMs }, payload: { kind: 'agentTurn', message: 'm' } });
    expect(jobView(ctx, job(90_500), 'gateway')).toMatchObject({ kind: 'read_only', reason: 'unsupported_schedule' });
    expect(jobView(ctx, job(30_000), 'gateway')).toMatchObject({ kind: 'read_only', reason: 'unsupported_schedule' });
    expect(jobView(ctx, job(90_000), 'gateway')).toMatchObject({ kind: 'editable', fields: { schedule: '@every 1m30s' } });
  });
});

describe('fingerprints', () => {
  it('do not depend on key order, and change with any mapped field', () => {
    expect(fingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprint({ a: 1 })).toMatch(/^v1:[0-9a-f]{40}$/);
    const fp = mcFingerprint(ctx, record());
    expect(mcFingerprint(ctx, record())).toBe(fp);
    expect(mcFingerprint(ctx, record({ name: 'other' }))).not.toBe(fp);
    expect(mcFingerprint(ctx, record({ enabled: false }))).not.toBe(fp);
    expect(mcFingerprint(ctx, record({ task: { title: 'T', instructions: 'more' } }))).not.toBe(fp);
    // Ticket fields Mission Control keeps to itself are not part of it.
    expect(mcFingerprint(ctx, { ...record(), task: { title: 'T', instructions: '', labels: ['x'] } as never })).toBe(fp);
    // A new delivery URL is a change to push to the jobs Mission Control owns, not to the ones the gateway owns.
    expect(mcFingerprint({ ...ctx, deliveryUrl: 'https://new.example/x' }, record())).not.toBe(fp);
    expect(mcFingerprint({ ...ctx, deliveryUrl: 'https://new.example/x' }, record({ owner: 'gateway' }))).toBe(mcFingerprint(ctx, record({ owner: 'gateway' })));
  });
  it("of a gateway job ignore its run state and configRevision", () => {
    const job: OpenClawJob = { id: 'j', name: 'j', enabled: true, schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'UTC' }, payload: { kind: 'agentTurn', message: 'm' }, state: {}, configRevision: 'r1' };
    const a = jobView(ctx, job, 'gateway').fingerprint;
    const b = jobView(ctx, { ...job, configRevision: 'r2', updatedAtMs: 5, state: { lastRunAtMs: 1, nextRunAtMs: 2 } }, 'gateway').fingerprint;
    expect(b).toBe(a);
  });
});

describe("OpenClaw's built-in jobs", () => {
  const j = (over: Partial<OpenClawJob>) => ({ name: 'x', payload: { kind: 'agentTurn' }, ...over }) as OpenClawJob;
  it('are recognised by declaration key, payload kind, managed-by tag or name', () => {
    expect(builtinKind(j({ declarationKey: 'heartbeat:main', payload: { kind: 'heartbeat' } }))).toBe('heartbeat');
    expect(builtinKind(j({ payload: { kind: 'heartbeat' } }))).toBe('heartbeat');
    expect(builtinKind(j({ declarationKey: 'heartbeat-task:main:inbox' }))).toBe('heartbeat');
    expect(builtinKind(j({ declarationKey: 'skill-collection-review:main' }))).toBe('skill_review');
    expect(builtinKind(j({ declarationKey: 'memory-core:memory-dreaming-promotion' }))).toBe('memory');
    expect(builtinKind(j({ name: 'Memory Dreaming Promotion' }))).toBe('memory');
    expect(builtinKind(j({ description: '[managed-by=memory-core.dreaming.light] x' }))).toBe('system');
    expect(builtinKind(j({ declarationKey: 'openclaw-backup-scheduled' }))).toBe('backup');
    expect(builtinKind(j({ name: 'My heartbeat check' }))).toBeNull();
    expect(builtinKind(j({ declarationKey: 'mission-control:abc123:crn_1' }))).toBeNull();
  });
});
