import { offsetAt } from '@tracklet/protocol/zone-calendar';

/** The stats' calendar in a zone (shared with the dashboard) and the zone's offsets over a queried range. */
export { addDays, addMonths, localDateOf, offsetAt, startOfLocalDay } from '@tracklet/protocol/zone-calendar';

/** A stretch of time with one offset: it applies to instants before `until` (the last one's is Infinity). */
export interface OffsetSegment {
  until: number;
  offset: number;
}

function transitionBetween(timeZone: string, low: number, high: number): number {
  const before = offsetAt(timeZone, low);
  while (high - low > 60_000) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(timeZone, mid) === before) low = mid;
    else high = mid;
  }
  return high;
}

/** The zone's offsets over [from, to): DST changes found by sampling every 12 hours, then bisecting to the minute. */
export function offsetSegments(timeZone: string, from: number, to: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let current = offsetAt(timeZone, from);
  const step = 12 * 3_600_000;
  for (let t = from; t < to; t += step) {
    const next = Math.min(t + step, to);
    const offset = offsetAt(timeZone, next);
    if (offset === current) continue;
    segments.push({ until: transitionBetween(timeZone, t, next), offset: current });
    current = offset;
  }
  segments.push({ until: Number.POSITIVE_INFINITY, offset: current });
  return segments;
}
