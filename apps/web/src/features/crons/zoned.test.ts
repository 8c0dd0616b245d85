import { describe, expect, it } from 'vitest';
import { formatInZone, formatUtc, timeZones } from './zoned';

describe('instants in a cron’s zone', () => {
  it('shows the wall clock of the zone, with its name, and UTC for the hover', () => {
    const iso = '2026-07-01T07:00:00.000Z';
    expect(formatInZone(iso, 'Europe/Berlin', 'en-GB')).toMatch(/09:00/);
    expect(formatInZone(iso, 'Europe/Berlin', 'en-GB')).toMatch(/CEST|GMT\+2/);
    expect(formatInZone(iso, 'America/New_York', 'en-GB')).toMatch(/03:00/);
    expect(formatInZone('2026-12-01T07:00:00.000Z', 'Europe/Berlin', 'en-GB')).toMatch(/08:00/);
    expect(formatUtc(iso)).toBe('2026-07-01 07:00 UTC');
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(formatInZone('2026-07-01T07:00:00.000Z', 'Mars/Olympus')).toBe('2026-07-01 07:00 UTC');
  });

  it('offers UTC first and keeps an unknown current zone', () => {
    const zones = timeZones('Etc/Unknown');
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Europe/Berlin');
    expect(zones.at(-1)).toBe('Etc/Unknown');
  });
});
