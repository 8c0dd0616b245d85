import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cronRunId, parseSchedule } from '../schedule';
import { decideMissedRuns, detectMissedRuns, runStartOf, slotScheduleOf, staggerOffsetMs, type MissedRunInput, type SlotSchedule } from './missed-runs';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => Date.parse(iso);
const cronSchedule = (expr: string, timezone = 'UTC', offsetMs = 0): SlotSchedule => ({ kind: 'cron', parsed: parseSchedule(expr), timezone, offsetMs });

const base = (over: Partial<MissedRunInput>): MissedRunInput => ({
  cronId: 'crn_G',
  agentId: 'agt_1',
  schedule: cronSchedule('0 * * * *'),
  since: new Date('2027-01-10T00:00:00Z'),
  now: new Date('2027-01-10T06:00:00Z'),
  starts: [],
  ...over,
});

const iso = (slots: { slot: Date }[]) => slots.map((s) => s.slot.toISOString());

describe('missed slots of a cron job', () => {
  it('a slot with no start within the grace is missed, under the run id the scheduler would give it', () => {
    const r = detectMissedRuns(
      base({
        starts: [{ atMs: at('2027-01-10T01:00:03Z') }, { atMs: at('2027-01-10T02:00:01Z') }, { atMs: at('2027-01-10T04:01:30Z') }, { atMs: at('2027-01-10T05:00:00Z') }],
      }),
    );
    // 06:00 is not judged yet (still within the grace at 06:00).
    expect(iso(r.slots)).toEqual(['01', '02', '03', '04', '05'].map((h) => `2027-01-10T${h}:00:00.000Z`));
    expect(iso(r.missed)).toEqual(['2027-01-10T03:00:00.000Z']);
    expect(r.missed[0].runId).toBe(cronRunId('crn_G', new Date('2027-01-10T03:00:00Z'), 'agt_1'));
    expect(r.checkedUntil.toISOString()).toBe('2027-01-10T05:00:00.000Z');
  });

  it('a start later than the grace does not count for the slot', () => {
    const r = detectMissedRuns(base({ now: new Date('2027-01-10T01:30:00Z'), starts: [{ atMs: at('2027-01-10T01:05:00Z') }] }));
    expect(iso(r.missed)).toEqual(['2027-01-10T01:00:00.000Z']);
  });

  it('judging again from where the last check stopped adds no slot twice; the same window gives the same ids', () => {
    const first = detectMissedRuns(base({ now: new Date('2027-01-10T03:30:00Z') }));
    const again = detectMissedRuns(base({ now: new Date('2027-01-10T03:30:00Z') }));
    expect(again.missed.map((s) => s.runId)).toEqual(first.missed.map((s) => s.runId));
    const next = detectMissedRuns(base({ resumeAt: first.resumeAt, now: new Date('2027-01-10T06:00:00Z') }));
    const all = [...first.slots, ...next.slots].map((s) => s.slot.getTime());
    expect(new Set(all).size).toBe(all.length);
    expect(iso(next.slots)).toEqual(['2027-01-10T04:00:00.000Z', '2027-01-10T05:00:00.000Z']);
  });

  it("a job's stagger shifts where its starts are looked for (offset as the gateway derives it from the job id)", () => {
    const expected = createHash('sha256').update('job-77').digest().readUInt32BE(0) % 300_000;
    expect(staggerOffsetMs('job-77', 300_000)).toBe(expected);
    expect(staggerOffsetMs('job-77', 0)).toBe(0);
    const schedule = slotScheduleOf({ id: 'job-77', schedule: { kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 300_000 } })!;
    const starts = [1, 2, 3, 4, 5].map((h) => ({ atMs: Date.UTC(2027, 0, 10, h) + expected + 500 }));
    expect(detectMissedRuns(base({ schedule, starts })).missed).toEqual([]);
    // Without the stagger the same starts would only be in time when they are within the grace of the hour.
    const exact = detectMissedRuns(base({ schedule: cronSchedule('0 * * * *'), starts, graceMs: 1_000, earlyMs: 1_000 }));
    expect(exact.missed.length).toBe(expected + 500 > 1_000 ? 5 : 0);
  });

  it('one start never counts for two slots, whatever the grace', () => {
    const r = detectMissedRuns(base({ schedule: cronSchedule('*/2 * * * *'), now: new Date('2027-01-10T00:20:00Z'), graceMs: 5 * M, starts: [{ atMs: at('2027-01-10T00:04:01Z') }] }));
    expect(r.slots.slice(0, 2).map((s) => [s.slot.toISOString(), s.status])).toEqual([
      ['2027-01-10T00:02:00.000Z', 'missed'],
      ['2027-01-10T00:04:00.000Z', 'ran'],
    ]);
  });

  it('Mission Control’s own forced runs never count as a start', () => {
    const r = detectMissedRuns(base({ now: new Date('2027-01-10T01:30:00Z'), starts: [{ atMs: at('2027-01-10T01:00:30Z'), runId: 'forced-1' }], ignoreRunIds: new Set(['forced-1']) }));
    expect(iso(r.missed)).toEqual(['2027-01-10T01:00:00.000Z']);
  });

  it('stops at maxSlots and says so', () => {
    const r = detectMissedRuns(base({ schedule: cronSchedule('* * * * *'), maxSlots: 10 }));
    expect(r.slots).toHaveLength(10);
    expect(r.truncated).toBe(true);
    expect(r.checkedUntil.toISOString()).toBe('2027-01-10T00:10:00.000Z');
    expect(r.resumeAt?.toISOString()).toBe('2027-01-10T00:11:00.000Z');
  });
});

describe('daylight-saving time (Europe/Berlin)', () => {
  const daily = cronSchedule('30 2 * * *', 'Europe/Berlin');
  it('spring forward: the 02:30 that does not exist is the shifted 03:30 CEST; a start there covers it, none is a miss', () => {
    const since = new Date('2027-03-27T12:00:00Z');
    const now = new Date('2027-03-28T06:00:00Z');
    const slot = '2027-03-28T01:30:00.000Z'; // 03:30 CEST
    expect(iso(detectMissedRuns(base({ schedule: daily, since, now })).missed)).toEqual([slot]);
    expect(detectMissedRuns(base({ schedule: daily, since, now, starts: [{ atMs: at(slot) + 4_000 }] })).missed).toEqual([]);
    // A library that keeps the wall time's hour (02:00 UTC+1 = 01:00Z) is still recognised as this slot's start.
    expect(detectMissedRuns(base({ schedule: daily, since, now, starts: [{ atMs: at('2027-03-28T01:00:00Z') }] })).missed).toEqual([]);
  });
  it('fall back: the repeated 02:30 is judged once; a start at either occurrence covers it', () => {
    const since = new Date('2027-10-30T12:00:00Z');
    const now = new Date('2027-10-31T08:00:00Z');
    const first = detectMissedRuns(base({ schedule: daily, since, now }));
    expect(iso(first.slots)).toEqual(['2027-10-31T00:30:00.000Z']); // 02:30 CEST, the first occurrence
    expect(detectMissedRuns(base({ schedule: daily, since, now, starts: [{ atMs: at('2027-10-31T01:30:02Z') }] })).missed).toEqual([]);
  });
});

describe('every-jobs: the chain of starts, and the grid after a miss', () => {
  const every15 = { kind: 'every' as const, everyMs: 15 * M, anchorMs: 0 };
  it("Mission Control's @every (anchor 0) starts on the epoch grid; each run sets the next slot, a dropped one falls back to the grid", () => {
    const since = new Date('2027-01-10T00:00:00Z');
    const t0 = at('2027-01-10T00:15:00Z');
    const starts = [
      { atMs: t0 + 2_000 }, // 00:15:02 — a little late, as the gateway's timer is
      { atMs: t0 + 15 * M + 4_000 }, // 00:30:04 — 15 min after the previous start, plus 2 s
      // 00:45:04 dropped by the gateway
      { atMs: at('2027-01-10T01:00:01Z') }, // back on the grid after the miss
    ];
    const r = detectMissedRuns(base({ schedule: every15, since, now: new Date('2027-01-10T01:10:00Z'), starts }));
    expect(r.slots.map((s) => [s.slot.toISOString(), s.status])).toEqual([
      ['2027-01-10T00:15:00.000Z', 'ran'],
      ['2027-01-10T00:30:02.000Z', 'ran'],
      ['2027-01-10T00:45:04.000Z', 'missed'],
      ['2027-01-10T01:00:00.000Z', 'ran'],
    ]);
    // Judged again later, from where it stopped: the same chain, nothing twice.
    const next = detectMissedRuns(base({ schedule: every15, since, resumeAt: r.resumeAt, now: new Date('2027-01-10T01:40:00Z'), starts: [...starts, { atMs: at('2027-01-10T01:15:01Z') }] }));
    expect(next.slots.map((s) => [s.slot.toISOString(), s.status])).toEqual([
      ['2027-01-10T01:15:01.000Z', 'ran'],
      ['2027-01-10T01:30:01.000Z', 'missed'],
    ]);
  });
  it("a job made on the gateway keeps its own anchor (its creation time unless it set one)", () => {
    const schedule = slotScheduleOf({ id: 'x', createdAtMs: at('2027-01-10T00:07:00Z'), schedule: { kind: 'every', everyMs: 10 * M } })!;
    expect(schedule).toEqual({ kind: 'every', everyMs: 10 * M, anchorMs: at('2027-01-10T00:07:00Z') });
    const r = detectMissedRuns(base({ schedule, since: new Date('2027-01-10T00:00:00Z'), now: new Date('2027-01-10T00:40:00Z') }));
    expect(iso(r.missed)).toEqual(['2027-01-10T00:07:00.000Z', '2027-01-10T00:17:00.000Z', '2027-01-10T00:27:00.000Z', '2027-01-10T00:37:00.000Z']);
  });
  it('a manual run between slots is out of band: it neither covers nor moves the pending slot', () => {
    const r = detectMissedRuns(
      base({ schedule: every15, since: new Date('2027-01-10T00:00:00Z'), now: new Date('2027-01-10T00:32:00Z'), starts: [{ atMs: at('2027-01-10T00:05:00Z') }, { atMs: at('2027-01-10T00:15:01Z') }] }),
    );
    expect(r.slots.map((s) => [s.slot.toISOString(), s.status])).toEqual([['2027-01-10T00:15:00.000Z', 'ran']]);
    const late = detectMissedRuns(base({ schedule: every15, since: new Date('2027-01-10T00:00:00Z'), now: new Date('2027-01-10T00:20:00Z'), starts: [{ atMs: at('2027-01-10T00:05:00Z') }] }));
    expect(late.slots.map((s) => [s.slot.toISOString(), s.status])).toEqual([['2027-01-10T00:15:00.000Z', 'missed']]);
  });
});

describe('one-shot jobs', () => {
  it('judges its one slot once it is past the grace', () => {
    const schedule = slotScheduleOf({ id: 'o', schedule: { kind: 'at', at: '2027-01-10T01:00:00.000Z' } })!;
    expect(detectMissedRuns(base({ schedule, now: new Date('2027-01-10T01:01:00Z') })).slots).toEqual([]);
    expect(iso(detectMissedRuns(base({ schedule })).missed)).toEqual(['2027-01-10T01:00:00.000Z']);
    expect(detectMissedRuns(base({ schedule, starts: [{ atMs: at('2027-01-10T01:00:05Z') }] })).missed).toEqual([]);
    expect(detectMissedRuns(base({ schedule, since: new Date('2027-01-10T01:00:00Z') })).slots).toEqual([]);
  });
  it('has no slots to judge for event-driven kinds or a cron without its zone', () => {
    expect(slotScheduleOf({ id: 'a', schedule: { kind: 'on-exit', command: 'x' } })).toBeNull();
    expect(slotScheduleOf({ id: 'b', schedule: { kind: 'cron', expr: '0 9 * * *' } })).toBeNull();
    expect(slotScheduleOf({ id: 'c', schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'Mars/Olympus' } })).toBeNull();
  });
});

describe('what to do about missed slots', () => {
  const report = (statuses: ('ran' | 'missed')[], lastSlot = '2027-01-10T05:00:00Z') => {
    const end = at(lastSlot);
    const slots = statuses.map((status, i) => ({ slot: new Date(end - (statuses.length - 1 - i) * H), status, startedAt: null, runId: `r${i}` }));
    return { slots, missed: slots.filter((s) => s.status === 'missed'), checkedUntil: new Date(end), resumeAt: new Date(end + H), truncated: false };
  };
  const now = new Date('2027-01-10T05:05:00Z');

  it('notifies once when a streak begins, not again while it lasts; a run ends the streak', () => {
    const a = decideMissedRuns({ report: report(['ran', 'missed', 'missed']), policy: 'record', previousStreak: 0, now });
    expect(a).toMatchObject({ streak: 2, notify: true, missedTotal: 2, forceRun: null });
    const b = decideMissedRuns({ report: report(['missed']), policy: 'record', previousStreak: a.streak, now });
    expect(b).toMatchObject({ streak: 3, notify: false });
    const c = decideMissedRuns({ report: report(['ran']), policy: 'record', previousStreak: b.streak, now });
    expect(c).toMatchObject({ streak: 0, notify: false });
    const d = decideMissedRuns({ report: report(['missed']), policy: 'record', previousStreak: c.streak, now });
    expect(d.notify).toBe(true);
  });

  it('force_run runs the latest missed slot only while it is recent, and only when nothing ran after it', () => {
    expect(decideMissedRuns({ report: report(['missed', 'missed']), policy: 'force_run', previousStreak: 0, now }).forceRun?.runId).toBe('r1');
    expect(decideMissedRuns({ report: report(['missed', 'ran']), policy: 'force_run', previousStreak: 0, now }).forceRun).toBeNull();
    expect(decideMissedRuns({ report: report(['missed']), policy: 'force_run', previousStreak: 0, now: new Date('2027-01-10T07:00:00Z') }).forceRun).toBeNull();
    expect(decideMissedRuns({ report: report(['missed']), policy: 'record', previousStreak: 0, now }).forceRun).toBeNull();
  });

  it('records at most the latest recordLimit slots and says how many were missed', () => {
    const d = decideMissedRuns({ report: report(Array(8).fill('missed')), policy: 'record', previousStreak: 0, now, recordLimit: 3 });
    expect(d.record.map((s) => s.runId)).toEqual(['r5', 'r6', 'r7']);
    expect(d.missedTotal).toBe(8);
  });
});

describe('starts from what the gateway reports', () => {
  it('reads runAtMs of events and run entries, else an entry end minus its duration', () => {
    expect(runStartOf({ action: 'started', runAtMs: 1000 })).toEqual({ atMs: 1000 });
    expect(runStartOf({ action: 'finished', runAtMs: 1000, runId: 'r1', ts: 5000, durationMs: 4000 })).toEqual({ atMs: 1000, runId: 'r1' });
    expect(runStartOf({ ts: 5000, durationMs: 1500, runId: 'r2' })).toEqual({ atMs: 3500, runId: 'r2' });
    expect(runStartOf({ action: 'started' })).toBeNull();
    expect(runStartOf({ ts: 5000 })).toBeNull();
  });
});

describe('checking in pieces gives the same slots as checking at once', () => {
  // A gateway that runs each slot a little late and drops some, simulated with a seeded generator.
  function simulate(schedule: SlotSchedule, seed: number, from: number, until: number) {
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const starts: { atMs: number }[] = [];
    if (schedule.kind === 'every') {
      let next = schedule.anchorMs + (Math.floor((from - schedule.anchorMs) / schedule.everyMs) + 1) * schedule.everyMs;
      while (next < until) {
        if (rnd() < 0.25) {
          next = schedule.anchorMs + (Math.floor((next - schedule.anchorMs) / schedule.everyMs) + 1) * schedule.everyMs; // dropped: back to the grid
          continue;
        }
        const start = next + Math.floor(rnd() * 3_000);
        starts.push({ atMs: start });
        next = start + schedule.everyMs;
      }
    } else if (schedule.kind === 'cron') {
      let d: Date | null = new Date(from);
      while ((d = nextSlotAfterForTest(schedule, d)) && d.getTime() < until) if (rnd() >= 0.25) starts.push({ atMs: d.getTime() + schedule.offsetMs + Math.floor(rnd() * 3_000) });
    }
    return starts;
  }
  const nextSlotAfterForTest = (s: Extract<SlotSchedule, { kind: 'cron' }>, d: Date) => {
    const r = detectMissedRuns(base({ schedule: s, since: d, now: new Date(d.getTime() + 400 * 24 * H), starts: [], maxSlots: 1 }));
    return r.slots[0]?.slot ?? null;
  };

  for (const [label, schedule] of [
    ['every 7 minutes on the epoch grid', { kind: 'every', everyMs: 7 * M, anchorMs: 0 }],
    ['every 10 minutes anchored at 00:03:17', { kind: 'every', everyMs: 10 * M, anchorMs: at('2027-01-10T00:03:17Z') }],
    ['*/20 in Europe/Berlin over the October change', cronSchedule('*/20 * * * *', 'Europe/Berlin')],
    ['hourly with a stagger offset', cronSchedule('0 * * * *', 'UTC', 137_000)],
  ] as [string, SlotSchedule][]) {
    it(label, () => {
      const from = at('2027-10-29T20:00:00Z');
      const until = at('2027-10-31T06:00:00Z');
      for (const seed of [1, 2, 3]) {
        const starts = simulate(schedule, seed, from, until);
        const whole = detectMissedRuns(base({ schedule, since: new Date(from), now: new Date(until), starts }));
        const pieces: string[] = [];
        let resumeAt: Date | null = null;
        for (let now = from + 37 * M; ; now += 37 * M) {
          const r = detectMissedRuns(base({ schedule, since: new Date(from), resumeAt, now: new Date(Math.min(now, until)), starts: starts.filter((s) => s.atMs <= Math.min(now, until)) }));
          pieces.push(...r.slots.map((s) => `${s.runId}:${s.status}`));
          resumeAt = r.resumeAt;
          if (now >= until) break;
        }
        expect(pieces).toEqual(whole.slots.map((s) => `${s.runId}:${s.status}`));
        expect(whole.missed.length).toBeGreaterThan(0);
        expect(whole.slots.length - whole.missed.length).toBeGreaterThan(0);
      }
    });
  }
});
