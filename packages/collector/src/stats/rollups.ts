import type { StatsMetric, StatsQuery, StatsTimeDimension } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import { DAY_MS } from '../store/rollups-schema.js';
import { LATE_AFTER_MS } from '../store/stale-days.js';
import { emptyTotals } from './compute-metrics.js';
import type { ResolvedRange } from './date-range.js';
import type { Group } from './group-totals.js';
import { columnsOf, type DayColumns, decodeDay, encodeDay, SUMS } from './rollup-body.js';
import {
  computeRollupRows,
  kindOf,
  type RollupGrain,
  rollupQueries,
  rollupRowsOf,
  type RollupScope,
  slotLabel,
} from './rollup-build.js';
import { hoursDim, rollupReadQueries, type StoredRollups, storedRollupsOf, writeRollups } from './rollup-store.js';
import type { SqlDialect, SqlQuery } from './dialect.js';
import { bucketLabels, mondayOf } from './time-buckets.js';
import { addDays, localDateOf, offsetSegments, startOfLocalDay } from './time-zone.js';
import { RowsVisitors, visitorsForTop } from './top-visitors.js';

/**
 * Issue #18, the speed budget: daily rollups. A query with no filter and at most one dimension (a time series by
 * day, week or month, a visit attribute, `event:name` or `event:page`) sums one row per day and value instead of
 * reading every event of its range. A day is built once it is over (LATE_AFTER_MS after its end in the query's
 * zone), the first time a query needs it, from the same SQL a query over the events runs. The days not over yet
 * (today) are kept the same way by the hour, each hour once it is over, so a query reads only the last two or three
 * hours from the events. Visitors are exact: each row keeps its visitors' ids, and a range counts their union. A
 * write about a built day or hour (a late event, a visit going on, a login merge, an erasure) marks its UTC day stale
 * (store/stale-days.ts) and the next query builds that day's rows again.
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
const HOUR_MS = 3_600_000;

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

/** A stretch of time kept as one stored row per value: a local day, or an hour of a day that is not over yet. */
interface Slot {
  key: string;
  from: number;
  to: number;
}

/** The runs of consecutive slots that `pick` keeps. */
function spans(slots: Slot[], pick: (slot: Slot) => boolean): Slot[][] {
  const runs: Slot[][] = [];
  let run: Slot[] = [];
  for (const slot of slots) {
    if (pick(slot)) run.push(slot);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

const utcDayOf = (ms: number) => Math.floor(ms / DAY_MS);
/** The body of a day or hour without events. */
const noRows = encodeDay([]);

/** Where a grain's rows are kept: under the scope's dimension for days, under its hours' (`site@hour`) for hours. */
const keptOf = (scope: RollupScope, grain: RollupGrain): RollupScope =>
  grain === 'time:day' ? scope : { ...scope, dim: hoursDim(scope.dim) };

/** The queries reading what is stored of `slots`: their rows and their UTC days' marks. */
function storedQueries(scope: RollupScope, grain: RollupGrain, slots: Slot[], d: SqlDialect): SqlQuery[] {
  const utcDays: [number, number] = [utcDayOf(slots[0]!.from), utcDayOf(slots.at(-1)!.to - 1)];
  return rollupReadQueries(keptOf(scope, grain), slots[0]!.key, `${slots.at(-1)!.key}~`, utcDays, d);
}

/** `slots` (consecutive, every one over): from what was `stored` where valid, built (and stored) where not. */
async function storedSlots(
  store: Store,
  scope: RollupScope,
  grain: RollupGrain,
  slots: Slot[],
  stored: StoredRollups,
  onError: (error: unknown) => void,
): Promise<DayColumns[]> {
  // Marks seen before the build: a write that commits after this read marks its day again, so it is built again.
  const marksOf = (slot: Slot) => {
    let marks = 0;
    for (let day = utcDayOf(slot.from); day <= utcDayOf(slot.to - 1); day++) marks += stored.marks.get(day) ?? 0;
    return marks;
  };
  const rebuild = new Set(slots.filter((slot) => stored.days.get(slot.key)?.marks !== marksOf(slot)));
  const days: DayColumns[] = [];
  for (const slot of slots) {
    const row = stored.days.get(slot.key);
    if (row && !rebuild.has(slot)) days.push(decodeDay(slot.key, row.body));
  }
  for (const run of spans(slots, (slot) => rebuild.has(slot))) {
    const columns = columnsOf(await computeRollupRows(store, scope, run[0]!.from, run.at(-1)!.to, grain));
    days.push(...columns);
    const bodies = new Map(columns.map((c) => [c.day, c.bytes]));
    const rows = run.map((slot) => ({ key: slot.key, marks: marksOf(slot), body: bodies.get(slot.key) ?? noRows }));
    // The rollups are a cache: a failed write (two queries building the same days at once) costs a rebuild later.
    await writeRollups(store, keptOf(scope, grain), rows, grain === 'time:day' ? hoursDim(scope.dim) : null).catch(
      onError,
    );
  }
  return days;
}

/**
 * The hours of [from, to) (the days not over yet) that are over, as slots: none where the zone's offset changes in
 * the span (a DST day is read from the events whole), so a local hour is always 3,600,000 ms of one offset.
 */
function hourSlots(zone: string, from: number, to: number, now: number): Slot[] {
  const segments = offsetSegments(zone, from, to);
  if (segments.length > 1) return [];
  const { offset } = segments[0]!;
  const over = Math.floor((now - LATE_AFTER_MS + offset) / HOUR_MS) * HOUR_MS - offset;
  const slots: Slot[] = [];
  for (let t = from; t + HOUR_MS <= Math.min(over, to); t += HOUR_MS) {
    slots.push({ key: slotLabel('time:hour', t + offset), from: t, to: t + HOUR_MS });
  }
  return slots;
}

/**
 * How [fromDate, toDate) is read: the days over from their stored rows; the others (today, and yesterday in its first
 * LATE_AFTER_MS) from the stored rows of their hours that are over, and from the events after those (`tail`).
 */
interface DaysPlan {
  days: Slot[];
  hours: Slot[];
  tail: { from: number; to: number } | null;
}

function planDays(zone: string, range: ResolvedRange, now: number): DaysPlan {
  const start = (date: string) => startOfLocalDay(zone, date);
  const openFrom = localDateOf(zone, now - LATE_AFTER_MS);
  const closedTo = range.toDate < openFrom ? range.toDate : openFrom;
  const plan: DaysPlan = { days: [], hours: [], tail: null };
  if (range.fromDate < closedTo)
    plan.days = bucketLabels('time:day', range.fromDate, closedTo).map((key) => ({
      key,
      from: start(key),
      to: start(addDays(key, 1)),
    }));
  const openStart = range.fromDate > closedTo ? range.fromDate : closedTo;
  if (openStart < range.toDate) {
    const to = start(range.toDate);
    plan.hours = hourSlots(zone, start(openStart), to, now);
    const from = plan.hours.at(-1)?.to ?? start(openStart);
    if (from < to) plan.tail = { from, to };
  }
  return plan;
}

type Rows = Array<Record<string, unknown>>;

/**
 * Runs groups of queries in one read transaction (one snapshot; on PostgreSQL one BEGIN and COMMIT for them all, not
 * one a group): each group's answers apart.
 */
async function readTogether(store: Store, groups: Array<(d: SqlDialect) => SqlQuery[]>): Promise<Rows[][]> {
  const counts: number[] = [];
  const answers = await store.statsRows((d) =>
    groups.flatMap((group, i) => {
      const queries = group(d);
      counts[i] = queries.length;
      return queries;
    }),
  );
  let at = 0;
  return counts.map((count) => answers.slice(at, (at += count)));
}

/**
 * The days of [fromDate, toDate) (planDays), read in one snapshot: the stored rows of the days and hours and the
 * tail from the events, all known before any read. Slots whose rows are missing or stale are built after.
 */
async function daysOf(
  store: Store,
  scope: RollupScope,
  range: ResolvedRange,
  now: number,
  onError: (error: unknown) => void,
): Promise<DayColumns[]> {
  const { days, hours, tail } = planDays(scope.zone, range, now);
  const [storedDays, storedHours, tailRows] = await readTogether(store, [
    (d) => (days.length > 0 ? storedQueries(scope, 'time:day', days, d) : []),
    (d) => (hours.length > 0 ? storedQueries(scope, 'time:hour', hours, d) : []),
    (d) => (tail ? rollupQueries(scope, tail.from, tail.to, 'time:day', d) : []),
  ]);
  return [
    ...(days.length > 0
      ? await storedSlots(store, scope, 'time:day', days, storedRollupsOf(storedDays!), onError)
      : []),
    ...(hours.length > 0
      ? await storedSlots(store, scope, 'time:hour', hours, storedRollupsOf(storedHours!), onError)
      : []),
    ...(tail ? columnsOf(rollupRowsOf('time:day', tailRows!)) : []),
  ];
}

/** The label of the time bucket a local day (or an hour of it: `2026-11-20 13`) is in. */
function bucketOf(time: StatsTimeDimension, slot: string): string {
  const day = slot.slice(0, 10);
  if (time === 'time:week') return mondayOf(day);
  if (time === 'time:month') return `${day.slice(0, 7)}-01`;
  return day;
}

const visitorsOfRows = new RowsVisitors();

/**
 * Sums the days' rows into groups by their one dimension's value, `keyOf` (or none when `site`; `seed`: groups shown
 * even without rows), visitors as the union of their ids: of every group, or (`top`) of those a page ordered by
 * visitors, largest first, may show among its first `top` (top-visitors.ts), the others' a bound below them.
 */
function sumGroups(
  days: DayColumns[],
  keyOf: (day: string, value: string | null) => string | null,
  seed: Array<string | null>,
  options: { site?: boolean; top?: number | null } = {},
): Group[] {
  interface Summed {
    dims: Array<string | null>;
    sums: Float64Array;
    /** Its rows: pairs of day index and row. */
    rows: number[];
    upper: number;
    lower: number;
  }
  const groups = new Map<string | null, Summed>();
  const groupOf = (key: string | null) => {
    let group = groups.get(key);
    if (!group) {
      const dims = options.site ? [] : [key];
      groups.set(key, (group = { dims, sums: new Float64Array(SUMS.length), rows: [], upper: 0, lower: 0 }));
    }
    return group;
  };
  for (const key of seed) groupOf(key);
  days.forEach(({ day, values, sums, counts }, d) => {
    values.forEach((value, i) => {
      const group = groupOf(keyOf(day, value));
      for (let j = 0; j < SUMS.length; j++) group.sums[j]! += sums[i * SUMS.length + j]!;
      group.rows.push(d, i);
      group.upper += counts[i]!;
      group.lower = Math.max(group.lower, counts[i]!);
    });
  });
  const all = [...groups.values()];
  const exact = (g: number) => visitorsOfRows.union(days, all[g]!.rows);
  const visitors = options.top
    ? visitorsForTop(
        Float64Array.from(all, (g) => g.upper),
        Float64Array.from(all, (g) => g.lower),
        options.top,
        exact,
      )
    : all.map((_, g) => exact(g));
  return all.map(({ dims, sums }, g) => {
    const totals = emptyTotals();
    SUMS.forEach((name, j) => (totals[name] = sums[j]!));
    return { dims, totals: { ...totals, visitors: visitors[g]! } };
  });
}

/** Every row of the days, as the pairs `sumGroups` takes. */
const everyRow = (days: DayColumns[]) => days.flatMap((day, d) => day.values.flatMap((_, i) => [d, i]));

/**
 * How many rows of a breakdown need their exact visitors: a page ordered by visitors, largest first, shows the first
 * `page × limit`; any other order needs them all (null).
 */
function topOf(query: StatsQuery): number | null {
  const [first] = query.order_by ?? [[query.metrics[0]!, 'desc']];
  return first?.[0] === 'visitors' && first[1] === 'desc' ? query.page * query.limit : null;
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
  // The percentage's whole (the site's visitors) is read beside the dimension's days, not after them.
  const wholeWanted = query.metrics.includes('percentage') && shape.dim !== 'site';
  const [days, whole] = await Promise.all([
    daysOf(store, scopeOf(shape.dim), range, now, onError),
    wholeWanted ? daysOf(store, scopeOf('site'), range, now, onError) : null,
  ]);
  const { time } = shape;
  const groups = time
    ? sumGroups(days, (day) => bucketOf(time, day), bucketLabels(time, range.fromDate, range.toDate))
    : shape.dim === 'site'
      ? sumGroups(days, () => null, [null], { site: true })
      : sumGroups(days, (_, value) => value, [], { top: topOf(query) });
  let allVisitors = 0;
  if (query.metrics.includes('percentage')) {
    const site = whole ?? days;
    allVisitors = visitorsOfRows.union(site, everyRow(site));
  }
  return { groups, allVisitors };
}
