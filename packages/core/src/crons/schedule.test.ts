import { describe, expect, it } from 'vitest';
import { CronExpressionParser } from 'cron-parser';
import { DomainError } from '../errors';
import { cronRunId, describeSchedule, nextRuns, nextSlotAfter, nextWallMatch, parseSchedule, validateTimezone, wallToInstant } from './schedule';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const runs = (schedule: string, tz: string, from: string, n: number) => nextRuns(parseSchedule(schedule), tz, new Date(from), n).map(iso);

function issueOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe('VALIDATION_ERROR');
    return (e.details!.issues as { field: string; message: string }[])[0];
  }
  throw new Error('expected a validation error');
}

describe('parseSchedule', () => {
  it('accepts 5-field expressions, macros, @every and @once', () => {
    expect(parseSchedule('0 9 * * MON-FRI').kind).toBe('cron');
    expect(parseSchedule('  */15   * * * * ')).toMatchObject({ kind: 'cron', source: '*/15 * * * *' });
    expect(parseSchedule('@daily')).toMatchObject({ kind: 'cron', expression: '0 0 * * *' });
    expect(parseSchedule('@every 15m')).toMatchObject({ kind: 'every', intervalMs: 900_000 });
    expect(parseSchedule('@every 1h30m')).toMatchObject({ kind: 'every', intervalMs: 5_400_000 });
    expect(parseSchedule('@every 2d')).toMatchObject({ kind: 'every', intervalMs: 172_800_000 });
    expect(parseSchedule('@once 2027-01-01T09:00:00Z')).toMatchObject({ kind: 'once', instant: Date.UTC(2027, 0, 1, 9) });
    expect(parseSchedule('@once 2027-01-01T09:00+02:00')).toMatchObject({ kind: 'once', instant: Date.UTC(2027, 0, 1, 7) });
    expect(parseSchedule('@once 2027-01-01T09:00')).toMatchObject({ kind: 'once', instant: null, wall: Date.UTC(2027, 0, 1, 9) });
  });

  it.each([
    ['', 'must not be empty'],
    ['0 9 * *', '5 fields'],
    ['0 0 9 * * *', '5 fields'],
    ['61 * * * *', 'not a valid cron expression'],
    ['0 0 30 2 *', 'not a valid cron expression'],
    ['H 9 * * *', 'hashed'],
    ['@every 30s', 'at least 1 minute'],
    ['@every 59s', 'at least 1 minute'],
    ['@every', 'duration'],
    ['@every 15 minutes', 'duration'],
    ['@every 400d', 'at most 366 days'],
    ['@once tomorrow', 'ISO-8601'],
    ['@once 2027-02-30T09:00Z', 'does not exist'],
    ['@weird', 'unknown macro'],
    ['x'.repeat(201), 'at most 200'],
  ])('refuses %j naming the field', (schedule, words) => {
    const issue = issueOf(() => parseSchedule(schedule));
    expect(issue.field).toBe('schedule');
    expect(issue.message).toContain(words);
  });

  it('refuses a non-string, naming the given field', () => {
    expect(issueOf(() => parseSchedule(42, 'cron.schedule')).field).toBe('cron.schedule');
  });
});

describe('validateTimezone', () => {
  it('canonicalises IANA names', () => {
    expect(validateTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(validateTimezone('UTC')).toBe('UTC');
    expect(validateTimezone('Etc/UTC')).toBe('UTC');
  });
  it.each(['Mars/Olympus', '', 'Europe/Berlin; DROP', '+02:00', 'Etc/GMT+2', 42])('refuses %j naming the field', (tz) => {
    expect(issueOf(() => validateTimezone(tz)).field).toBe('timezone');
  });
});

describe('nextSlotAfter: plain cases', () => {
  it('is strictly after the given time', () => {
    expect(runs('0 9 * * *', 'UTC', '2026-05-01T09:00:00Z', 2)).toEqual(['2026-05-02T09:00:00.000Z', '2026-05-03T09:00:00.000Z']);
    expect(runs('0 9 * * *', 'UTC', '2026-05-01T08:59:59.999Z', 1)).toEqual(['2026-05-01T09:00:00.000Z']);
  });

  it('reads the expression on the zone wall clock', () => {
    expect(runs('0 9 * * *', 'Europe/Berlin', '2026-01-10T00:00:00Z', 1)).toEqual(['2026-01-10T08:00:00.000Z']);
    expect(runs('0 9 * * *', 'Europe/Berlin', '2026-07-10T00:00:00Z', 1)).toEqual(['2026-07-10T07:00:00.000Z']);
    expect(runs('0 9 * * *', 'Asia/Kolkata', '2026-07-10T00:00:00Z', 1)).toEqual(['2026-07-10T03:30:00.000Z']);
  });

  it('handles the end of the month (L and day 31)', () => {
    expect(runs('0 9 L * *', 'UTC', '2026-01-15T00:00:00Z', 4)).toEqual([
      '2026-01-31T09:00:00.000Z',
      '2026-02-28T09:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
      '2026-04-30T09:00:00.000Z',
    ]);
    expect(runs('0 9 L * *', 'UTC', '2028-02-01T00:00:00Z', 1)).toEqual(['2028-02-29T09:00:00.000Z']);
    // Day 31 skips the months without one.
    expect(runs('0 0 31 * *', 'UTC', '2026-01-31T00:00:00Z', 4)).toEqual([
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
      '2026-08-31T00:00:00.000Z',
    ]);
    // In a zone: the last day at 09:00 Sydney time is the UTC evening before.
    expect(runs('0 9 L * *', 'Australia/Sydney', '2026-02-01T00:00:00Z', 1)).toEqual(['2026-02-27T22:00:00.000Z']);
  });

  it('handles the leap day', () => {
    expect(runs('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
      '2036-02-29T00:00:00.000Z',
    ]);
    expect(runs('0 0 29 2 *', 'America/New_York', '2026-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T05:00:00.000Z']);
  });
});

describe('nextSlotAfter: daylight-saving time', () => {
  // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  it('Berlin gap: 02:30 fires once, shifted to 03:30 CEST', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('Berlin gap: a shifted slot that meets a real one fires once; asked from inside the gap hour it is not lost', () => {
    expect(runs('30 * * * *', 'Europe/Berlin', '2026-03-29T00:00:00Z', 3)).toEqual([
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 → 03:30 CEST, which is also a slot: once
      '2026-03-29T02:30:00.000Z', // 04:30 CEST
    ]);
    // From 03:10 CEST (01:10Z), the gap slot shifted to 03:30 is still ahead.
    expect(iso(nextSlotAfter(parseSchedule('30 2 * * *'), 'Europe/Berlin', new Date('2026-03-29T01:10:00Z')))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('Berlin repeat: 02:30 fires once, at the first (CEST) occurrence', () => {
    expect(runs('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-26T01:30:00.000Z', // 02:30 CET next day
    ]);
    // Asked from the repeated hour's second pass (02:10 CET = 01:10Z): 02:30 already fired, the next is 03:00 CET.
    expect(runs('*/30 * * * *', 'Europe/Berlin', '2026-10-25T01:10:00Z', 1)).toEqual(['2026-10-25T02:00:00.000Z']);
    // */30 across the change: the second pass of 02:xx does not fire again.
    expect(runs('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:45:00Z', 5)).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T02:30:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
  });

  // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
  it('New York gap and repeat', () => {
    expect(runs('15 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 3)).toEqual([
      '2026-03-08T07:15:00.000Z', // 02:15 does not exist: 03:15 EDT
      '2026-03-09T06:15:00.000Z', // 02:15 EDT
      '2026-03-10T06:15:00.000Z',
    ]);
    expect(runs('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT (first)
      '2026-11-02T06:30:00.000Z', // 01:30 EST next day
    ]);
    expect(runs('0 * * * *', 'America/New_York', '2026-11-01T04:30:00Z', 4)).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T07:00:00.000Z', // 02:00 EST (01:00 EST is the repeat: not again)
      '2026-11-01T08:00:00.000Z',
      '2026-11-01T09:00:00.000Z',
    ]);
  });

  // Australia/Sydney: 2026-04-05 03:00 AEDT → 02:00 AEST (16:00Z on the 4th); 2026-10-04 02:00 AEST → 03:00 AEDT (16:00Z on the 3rd).
  it('Sydney (southern hemisphere) gap and repeat', () => {
    expect(runs('30 2 * * *', 'Australia/Sydney', '2026-10-02T00:00:00Z', 3)).toEqual([
      '2026-10-02T16:30:00.000Z', // 02:30 AEST on the 3rd
      '2026-10-03T16:30:00.000Z', // 02:30 does not exist on the 4th: 03:30 AEDT
      '2026-10-04T15:30:00.000Z', // 02:30 AEDT on the 5th
    ]);
    expect(runs('30 2 * * *', 'Australia/Sydney', '2026-04-03T00:00:00Z', 3)).toEqual([
      '2026-04-03T15:30:00.000Z', // 02:30 AEDT on the 4th
      '2026-04-04T15:30:00.000Z', // 02:30 AEDT on the 5th (first occurrence)
      '2026-04-05T16:30:00.000Z', // 02:30 AEST on the 6th
    ]);
  });

  it('maps wall times by the same rules', () => {
    expect(wallToInstant('Europe/Berlin', Date.UTC(2026, 2, 29, 2, 30))).toEqual({ at: Date.UTC(2026, 2, 29, 1, 30), shiftedBy: 3_600_000 });
    expect(wallToInstant('Europe/Berlin', Date.UTC(2026, 9, 25, 2, 30))).toEqual({ at: Date.UTC(2026, 9, 25, 0, 30), shiftedBy: 0 });
    expect(wallToInstant('Europe/Berlin', Date.UTC(2026, 0, 1, 12))).toEqual({ at: Date.UTC(2026, 0, 1, 11), shiftedBy: 0 });
  });
});

describe('@every and @once', () => {
  it('@every slots are multiples of the interval since the epoch, whatever the zone or DST', () => {
    expect(runs('@every 15m', 'Europe/Berlin', '2026-03-29T00:52:10Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:15:00.000Z',
      '2026-03-29T01:30:00.000Z',
    ]);
    expect(runs('@every 1h30m', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-01T01:30:00.000Z', '2026-01-01T03:00:00.000Z']);
  });

  it('@once fires once; without an offset it is read in the zone', () => {
    expect(runs('@once 2027-01-01T09:00:00Z', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual(['2027-01-01T09:00:00.000Z']);
    expect(runs('@once 2027-01-01T09:00', 'Europe/Berlin', '2026-01-01T00:00:00Z', 3)).toEqual(['2027-01-01T08:00:00.000Z']);
    expect(nextSlotAfter(parseSchedule('@once 2027-01-01T09:00:00Z'), 'UTC', new Date('2027-01-01T09:00:00Z'))).toBeNull();
    // In a gap it shifts forward like any slot.
    expect(runs('@once 2026-03-29T02:30', 'Europe/Berlin', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-03-29T01:30:00.000Z']);
  });
});

describe('describeSchedule', () => {
  it('says it in plain words', () => {
    expect(describeSchedule(parseSchedule('0 9 * * 1-5'), 'Europe/Berlin')).toBe('At 09:00, Monday through Friday (Europe/Berlin)');
    expect(describeSchedule(parseSchedule('@every 15m'), 'UTC')).toBe('Every 15 minutes');
    expect(describeSchedule(parseSchedule('@every 1h'), 'UTC')).toBe('Every hour');
    expect(describeSchedule(parseSchedule('@every 1h30m'), 'UTC')).toBe('Every 1 hour 30 minutes');
    expect(describeSchedule(parseSchedule('@once 2027-01-01T08:00:00Z'), 'Europe/Berlin')).toBe('Once, at 2027-01-01 09:00 (Europe/Berlin)');
  });
});

describe('cronRunId', () => {
  it('is derived from (cron, slot, target): same inputs, same id; any change, another id', () => {
    const slot = new Date('2026-05-01T09:00:00Z');
    const id = cronRunId('crn_1', slot, 'agt_1');
    expect(id).toMatch(/^crr_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(cronRunId('crn_1', new Date(slot), 'agt_1')).toBe(id);
    expect(cronRunId('crn_2', slot, 'agt_1')).not.toBe(id);
    expect(cronRunId('crn_1', new Date(slot.getTime() + 1), 'agt_1')).not.toBe(id);
    expect(cronRunId('crn_1', slot, 'agt_2')).not.toBe(id);
  });
});

describe('the wall-clock matcher agrees with cron-parser', () => {
  // A fixed-seed generator of expressions over every feature the parser accepts (lists, ranges, steps, names, L, #).
  let seed = 20261207;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const field = (lo: number, hi: number) => {
    const n = () => lo + Math.floor(rand() * (hi - lo + 1));
    return pick([
      () => '*',
      () => String(n()),
      () => `${n()},${n()}`,
      () => {
        const a = n();
        return `${a}-${Math.min(hi, a + Math.floor(rand() * 5))}`;
      },
      () => `*/${1 + Math.floor(rand() * 7)}`,
      () => `${n()}/${1 + Math.floor(rand() * 5)}`,
    ])();
  };
  const dom = () => pick([() => field(1, 31), () => 'L', () => `${1 + Math.floor(rand() * 28)},L`])();
  const dow = () => pick([() => field(0, 7), () => `${Math.floor(rand() * 7)}L`, () => `${Math.floor(rand() * 7)}#${1 + Math.floor(rand() * 5)}`, () => 'MON-FRI', () => 'SUN'])();

  it('on 3,000 random expressions and start times', () => {
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const expression = `${field(0, 59)} ${field(0, 23)} ${dom()} ${pick(['*', field(1, 12), 'JAN,JUL', '2'])} ${dow()}`;
      let parsed;
      try {
        parsed = parseSchedule(expression);
      } catch {
        continue; // refused by the parser (e.g. a day that never comes): nothing to compare
      }
      if (parsed.kind !== 'cron') continue;
      const from = Date.UTC(2024, 0, 1) + Math.floor(rand() * 6 * 365 * 86_400_000);
      const it = CronExpressionParser.parse(parsed.expression, { currentDate: new Date(from), tz: 'UTC' });
      let theirs: number | null;
      try {
        theirs = it.next().getTime();
      } catch {
        theirs = null;
      }
      expect(nextWallMatch(parsed.matcher, from), `${expression} after ${new Date(from).toISOString()}`).toBe(theirs);
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });
});
