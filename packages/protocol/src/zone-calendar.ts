/**
 * Calendar arithmetic in an IANA time zone without a dependency: Intl gives a zone's UTC offset at an instant, and
 * dates are handled as `YYYY-MM-DD` strings whose day arithmetic runs in UTC (where every day has 24 hours). Plain
 * functions, no zod: the collector's stats and the dashboard both import this file
 * (`@tracklet/protocol/zone-calendar`), so a day begins at the same instant on either side.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `ms`, in ms (Europe/Berlin in winter: 3,600,000). */
export function offsetAt(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The local calendar date at `ms` in the zone. */
export function localDateOf(timeZone: string, ms: number): string {
  return new Date(ms + offsetAt(timeZone, ms)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
  const d = new Date(Date.parse(date));
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)).toISOString().slice(0, 10);
}

/** The instant (UTC ms) at which the local `date` begins in the zone. */
export function startOfLocalDay(timeZone: string, date: string): number {
  const wall = Date.parse(date);
  const guess = wall - offsetAt(timeZone, wall);
  return wall - offsetAt(timeZone, guess);
}
