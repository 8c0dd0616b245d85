// Instants as a cron's page shows them: in the cron's own time zone (its schedule is read there), with the zone's
// short name, and the UTC instant on hover. The API speaks ISO-8601 UTC everywhere; the zone is only for reading.

/** "Mon, Dec 7, 09:00 CET" — the instant in `timeZone` (the reader's locale), to the minute. */
export function formatInZone(iso: string, timeZone: string, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      year: d.getUTCFullYear() === new Date().getUTCFullYear() ? undefined : 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(d);
  } catch {
    // A zone this browser does not know: say it in UTC rather than fail the page.
    return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  }
}

/** "2026-12-07 08:00 UTC" — the hover text (and what the API holds). */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The server's plain-words schedule without the zone it appends ("… (Europe/Berlin)"), where the zone shows apart. */
export function withoutZone(description: string, timeZone: string): string {
  const suffix = ` (${timeZone})`;
  return description.endsWith(suffix) ? description.slice(0, -suffix.length) : description;
}

/** Every IANA zone this browser knows (Intl.supportedValuesOf), UTC first; the given zone kept even if unknown. */
export function timeZones(keep?: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = ['UTC', ...zones.filter((z) => z !== 'UTC')];
  if (keep && !all.includes(keep)) all.push(keep);
  return all;
}

/** The reader's own zone, the default of a new cron. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
