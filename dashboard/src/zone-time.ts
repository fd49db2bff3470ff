/** The zone's offset from UTC at `ms`, in ms (Intl knows every IANA zone; no date library needed). */
function offsetAt(zone: string, ms: number): number {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of format.formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant at which the local `date` (YYYY-MM-DD) begins in the zone: the server's days, as the browser's aren't. */
export function startOfLocalDay(zone: string, date: string): number {
  const wall = Date.parse(date);
  return wall - offsetAt(zone, wall - offsetAt(zone, wall));
}

export const nextDay = (date: string): string => new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);
