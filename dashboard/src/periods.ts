import type { DateRange } from './view.js';

export type Bucket = 'time:hour' | 'time:day' | 'time:month';

const DAY = 86_400_000;
const days = ([from, to]: [string, string]) => (Date.parse(to) - Date.parse(from)) / DAY + 1;

/** The top graph's bucket: hours for a day, days up to a quarter, months beyond. */
export function bucketFor(range: DateRange): Bucket {
  if (range === 'day') return 'time:hour';
  if (range === '12mo' || range === 'all') return 'time:month';
  if (typeof range === 'string') return 'time:day';
  const n = days(range);
  return n <= 2 ? 'time:hour' : n <= 92 ? 'time:day' : 'time:month';
}

/** The period just before `[from, to]`, as long (the KPIs' comparison). */
export function previousPeriod([from, to]: [string, string]): [string, string] {
  const n = days([from, to]);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const start = Date.parse(from);
  return [iso(start - n * DAY), iso(start - DAY)];
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
export const count = (n: number | null | undefined): string => (n == null ? '–' : compact.format(n));
export const duration = (s: number | null | undefined): string =>
  s == null ? '–' : s < 60 ? `${Math.round(s)}s` : `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
