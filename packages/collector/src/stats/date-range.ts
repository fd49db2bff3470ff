import type { StatsQuery } from '@tracklet/protocol';
import { addDays, addMonths, localDateOf, startOfLocalDay } from './time-zone.js';

/** A query's period: whole local days [fromDate, toDate) in its zone, and the same as UTC instants [from, to). */
export interface ResolvedRange {
  fromDate: string;
  /** Exclusive. */
  toDate: string;
  from: number;
  to: number;
}

/**
 * Relative ranges end with today (local) included: `day` is today, `7d`/`30d` the last 7/30 days, `month` this
 * calendar month, `12mo` this month and the 11 before it, `all` from the day of the account's first event.
 * A custom range `[from, to]` includes both dates.
 */
export function resolveDateRange(
  range: StatsQuery['date_range'],
  timeZone: string,
  now: number,
  firstEventAt: number | null,
): ResolvedRange {
  const today = localDateOf(timeZone, now);
  const tomorrow = addDays(today, 1);
  const monthStart = `${today.slice(0, 7)}-01`;
  const dates: [string, string] = Array.isArray(range)
    ? [range[0], addDays(range[1], 1)]
    : {
        day: [today, tomorrow] as [string, string],
        '7d': [addDays(today, -6), tomorrow] as [string, string],
        '30d': [addDays(today, -29), tomorrow] as [string, string],
        month: [monthStart, addMonths(monthStart, 1)] as [string, string],
        '12mo': [addMonths(monthStart, -11), addMonths(monthStart, 1)] as [string, string],
        all: [firstEventAt === null ? today : localDateOf(timeZone, firstEventAt), tomorrow] as [string, string],
      }[range];
  return {
    fromDate: dates[0],
    toDate: dates[1],
    from: startOfLocalDay(timeZone, dates[0]),
    to: startOfLocalDay(timeZone, dates[1]),
  };
}
