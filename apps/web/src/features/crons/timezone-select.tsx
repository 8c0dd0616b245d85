'use client';
// The time zone a cron's schedule is read in: every IANA zone this browser knows (type to jump in the list).
import { useMemo } from 'react';
import { SelectField } from '@/src/ui/components';
import { timeZones } from './zoned';

export function TimeZoneSelect({ value, onChange, error }: { value: string; onChange: (tz: string) => void; error?: string }) {
  const zones = useMemo(() => timeZones(value), [value]);
  return (
    <SelectField id="cron-timezone" label="Time zone" value={value} onChange={(e) => onChange(e.target.value)} error={error} hint="The schedule is read in this zone, daylight saving included.">
      {zones.map((z) => (
        <option key={z} value={z}>
          {z.replace(/_/g, ' ')}
        </option>
      ))}
    </SelectField>
  );
}
