import type { StatsMetric, StatsQuery, StatsTimeDimension } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import { DAY_MS } from '../store/rollups-schema.js';
import { LATE_AFTER_MS } from '../store/stale-days.js';
import { emptyTotals } from './compute-metrics.js';
import type { ResolvedRange } from './date-range.js';
import type { Group } from './group-totals.js';
import { columnsOf, type DayColumns, decodeDay, SUMS } from './rollup-body.js';
import { computeRollupRows, kindOf, type RollupScope } from './rollup-build.js';
import { readRollups, writeRollups } from './rollup-store.js';
import { bucketLabels, mondayOf } from './time-buckets.js';
import { addDays, localDateOf, startOfLocalDay } from './time-zone.js';
import { DistinctCounter } from './visitor-ids.js';

/**
 * Issue #18, the speed budget: daily rollups. A query with no filter and at most one dimension (a time series by
 * day, week or month, a visit attribute, `event:name` or `event:page`) sums one row per day and value instead of
 * reading every event of its range. A day is built once it is over (LATE_AFTER_MS after its end in the query's
 * zone), the first time a query needs it, from the same SQL a query over the events runs; the days not over yet
 * are computed from the events each time. Visitors are exact: each row keeps its visitors' ids, and a range counts
 * their union. A write about a built day (a late event, a visit going on, a login merge, an erasure) marks it stale
 * (store/stale-days.ts) and the next query builds it again.
 */

const eventMetrics = new Set<StatsMetric>(['visitors', 'pageviews', 'events', 'revenue', 'percentage']);
const visitMetrics = new Set<StatsMetric>([
  ...eventMetrics,
  'visits',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
]);
const rollupTimes = new Set(['time:day', 'time:week', 'time:month']);

export interface RollupShape {
  /** The rollups' dimension: `site`, `visit:…`, `event:name` or `event:page`. */
  dim: string;
  time: StatsTimeDimension | null;
}

/** The rollups that answer `query`, or null when it needs the events (filters, two dimensions, props, hours…). */
export function rollupShapeOf(query: StatsQuery): RollupShape | null {
  if (query.filters.length > 0 || query.dimensions.length > 1) return null;
  const [only] = query.dimensions;
  const shape: RollupShape =
    only === undefined
      ? { dim: 'site', time: null }
      : rollupTimes.has(only)
        ? { dim: 'site', time: only as StatsTimeDimension }
        : { dim: only, time: null };
  const kind = kindOf(shape.dim);
  if (kind === 'event' && shape.dim !== 'event:name' && shape.dim !== 'event:page') return null;
  const allowed = kind === 'event' ? eventMetrics : visitMetrics;
  return query.metrics.every((m) => allowed.has(m)) ? shape : null;
}

/** The runs of consecutive dates in `dates` that `pick` keeps. */
function spans(dates: string[], pick: (date: string) => boolean): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const date of dates) {
    if (pick(date)) run.push(date);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The days of [fromDate, toDate): stored ones where valid, built ones where not, computed ones for today. */
async function daysOf(
  store: Store,
  scope: RollupScope,
  range: ResolvedRange,
  now: number,
  onError: (error: unknown) => void,
): Promise<DayColumns[]> {
  const statsRows = store.statsRows.bind(store);
  const openFrom = localDateOf(scope.zone, now - LATE_AFTER_MS);
  const closedTo = range.toDate < openFrom ? range.toDate : openFrom;
  const days: DayColumns[] = [];
  if (range.fromDate < closedTo) {
    const start = (date: string) => startOfLocalDay(scope.zone, date);
    const utcDays = (date: string): [number, number] => [
      Math.floor(start(date) / DAY_MS),
      Math.floor((start(addDays(date, 1)) - 1) / DAY_MS),
    ];
    const stored = await readRollups(store, scope, range.fromDate, closedTo, [
      utcDays(range.fromDate)[0],
      utcDays(addDays(closedTo, -1))[1],
    ]);
    // Marks seen before the build: a write that commits after this read marks its day again, so it is built again.
    const marksOf = (date: string) => {
      const [first, last] = utcDays(date);
      let marks = 0;
      for (let day = first; day <= last; day++) marks += stored.marks.get(day) ?? 0;
      return marks;
    };
    const dates = bucketLabels('time:day', range.fromDate, closedTo);
    const rebuild = new Set(dates.filter((date) => stored.days.get(date)?.marks !== marksOf(date)));
    for (const [date, { body }] of stored.days) if (!rebuild.has(date)) days.push(decodeDay(date, body));
    for (const run of spans(dates, (d) => rebuild.has(d))) {
      const built = await computeRollupRows(statsRows, scope, run[0]!, addDays(run.at(-1)!, 1));
      days.push(...columnsOf(built));
      // The rollups are a cache: a failed write (two queries building the same days at once) costs a rebuild later.
      await writeRollups(store, scope, run, built, marksOf).catch(onError);
    }
  }
  const openStart = range.fromDate > closedTo ? range.fromDate : closedTo;
  if (openStart < range.toDate) {
    days.push(...columnsOf(await computeRollupRows(statsRows, scope, openStart, range.toDate)));
  }
  return days;
}

/** The label of the time bucket a local day is in. */
function bucketOf(time: StatsTimeDimension, day: string): string {
  if (time === 'time:week') return mondayOf(day);
  if (time === 'time:month') return `${day.slice(0, 7)}-01`;
  return day;
}

const counter = new DistinctCounter();

/**
 * Sums the days' rows into groups by their one dimension's value, `keyOf` (or none when `site`; `seed`: groups shown
 * even without rows), visitors as the union of their ids.
 */
function sumGroups(
  days: DayColumns[],
  keyOf: (day: string, value: string | null) => string | null,
  seed: Array<string | null>,
  site = false,
): Group[] {
  const groups = new Map<string | null, { dims: Array<string | null>; sums: Float64Array; parts: number[] }>();
  const groupOf = (key: string | null) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims: site ? [] : [key], sums: new Float64Array(SUMS.length), parts: [] }));
    return group;
  };
  for (const key of seed) groupOf(key);
  days.forEach(({ day, values, sums, counts }, d) => {
    let at = 0;
    values.forEach((value, i) => {
      const group = groupOf(keyOf(day, value));
      for (let j = 0; j < SUMS.length; j++) group.sums[j]! += sums[i * SUMS.length + j]!;
      // Which day's ids, from where to where: counted once the group has them all.
      group.parts.push(d, at, at + counts[i]!);
      at += counts[i]!;
    });
  });
  return [...groups.values()].map(({ dims, sums, parts }) => {
    for (let k = 0; k < parts.length; k += 3) counter.add(days[parts[k]!]!.ids, parts[k + 1], parts[k + 2]);
    const totals = emptyTotals();
    SUMS.forEach((name, j) => (totals[name] = sums[j]!));
    return { dims, totals: { ...totals, visitors: counter.total() } };
  });
}

/** A query's groups and its whole's visitors (the percentage's denominator) from the rollups; null: not theirs. */
export async function rollupGroups(
  store: Store,
  reader: { accountId: number; test: boolean },
  query: StatsQuery,
  range: ResolvedRange,
  now: number,
  onError: (error: unknown) => void = () => {},
): Promise<{ groups: Group[]; allVisitors: number } | null> {
  const shape = rollupShapeOf(query);
  if (!shape) return null;
  const scopeOf = (dim: string): RollupScope => ({ ...reader, zone: query.timezone, dim });
  const days = await daysOf(store, scopeOf(shape.dim), range, now, onError);
  const { time } = shape;
  const groups = time
    ? sumGroups(days, (day) => bucketOf(time, day), bucketLabels(time, range.fromDate, range.toDate))
    : shape.dim === 'site'
      ? sumGroups(days, () => null, [null], true)
      : sumGroups(days, (_, value) => value, []);
  let allVisitors = 0;
  if (query.metrics.includes('percentage')) {
    const site = shape.dim === 'site' ? days : await daysOf(store, scopeOf('site'), range, now, onError);
    allVisitors = counter.count(site.map((day) => day.ids));
  }
  return { groups, allVisitors };
}
