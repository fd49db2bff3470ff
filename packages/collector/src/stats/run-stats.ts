import type { StatsQuery, StatsResponse, StatsResultRow, StatsTimeDimension } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import { type StatsPlan, eventTotalsSql, firstEventSql, visitTotalsSql } from './build-sql.js';
import { emptyTotals, type GroupTotals, metricValue } from './compute-metrics.js';
import { resolveDateRange, type ResolvedRange } from './date-range.js';
import { isGoalFilter } from './filters.js';
import { checkQuery, orderAndPage } from './check-query.js';
import { addDays, offsetSegments } from './time-zone.js';
import { bucketLabel, bucketLabels } from './time-buckets.js';

type Row = Record<string, unknown>;

const visitMetrics = new Set(['visits', 'bounce_rate', 'visit_duration', 'views_per_visit']);

/** Who asks: the account, and whether its key reads test events (a tk_test_ key) or live ones. */
export interface StatsReader {
  accountId: number;
  test: boolean;
}

function dimensionValues(row: Row, dimensions: string[]): Array<string | null> {
  return dimensions.map((dim, i) => {
    const value = row[`d${i}`];
    if (value === null || value === undefined) return null;
    return dim.startsWith('time:') ? bucketLabel(dim as StatsTimeDimension, Number(value)) : String(value);
  });
}

/** Adds one query's rows into the groups, keyed by their dimension values. */
function collect(
  groups: Map<string, { dims: Array<string | null>; totals: GroupTotals }>,
  rows: Row[],
  dims: string[],
  add: (t: GroupTotals, r: Row) => void,
): void {
  for (const row of rows) {
    const values = dimensionValues(row, dims);
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims: values, totals: emptyTotals() }));
    add(group.totals, row);
  }
}

const n = (v: unknown) => Number(v ?? 0);

async function rangeOf(store: Store, reader: StatsReader, query: StatsQuery, now: number): Promise<ResolvedRange> {
  let first: number | null = null;
  if (query.date_range === 'all') {
    const [rows] = await store.statsRows((d) => [firstEventSql(reader.accountId, reader.test, d)]);
    first = rows?.[0]?.first === null || rows?.[0]?.first === undefined ? null : Number(rows[0].first);
  }
  return resolveDateRange(query.date_range, query.timezone, now, first);
}

/** Fills a time series: every bucket of the range present, the empty ones with zero totals. */
function fillBuckets(
  groups: Map<string, { dims: Array<string | null>; totals: GroupTotals }>,
  query: StatsQuery,
  range: ResolvedRange,
): void {
  const [only] = query.dimensions;
  if (query.dimensions.length !== 1 || !only?.startsWith('time:')) return;
  for (const label of bucketLabels(only as StatsTimeDimension, range.fromDate, range.toDate)) {
    const key = JSON.stringify([label]);
    if (!groups.has(key)) groups.set(key, { dims: [label], totals: emptyTotals() });
  }
}

/** `POST /v1/stats/query`: validates what the schema cannot, runs the store's aggregates, shapes the answer. */
export async function runStats(
  store: Store,
  reader: StatsReader,
  query: StatsQuery,
  now: number,
): Promise<StatsResponse> {
  checkQuery(query);
  const range = await rangeOf(store, reader, query, now);
  const plan: StatsPlan = {
    ...reader,
    from: range.from,
    to: range.to,
    segments: offsetSegments(query.timezone, range.from, range.to),
    dimensions: query.dimensions,
    filters: query.filters,
  };
  const wantsVisits = query.metrics.some((m) => visitMetrics.has(m));
  const wantsGoalBase = query.metrics.includes('conversion_rate');
  const wantsAll = query.metrics.includes('percentage');
  const [events, visits, goalBase, all] = await store.statsRows((d) => [
    eventTotalsSql(plan, d),
    ...(wantsVisits ? [visitTotalsSql(plan, d)] : [{ text: 'SELECT 1 AS none', params: [] }]),
    ...(wantsGoalBase
      ? [eventTotalsSql({ ...plan, filters: plan.filters.filter((f) => !isGoalFilter(f)) }, d)]
      : [{ text: 'SELECT 1 AS none', params: [] }]),
    ...(wantsAll ? [eventTotalsSql({ ...plan, dimensions: [] }, d)] : []),
  ]);
  const groups = new Map<string, { dims: Array<string | null>; totals: GroupTotals }>();
  const dims = query.dimensions;
  collect(groups, events ?? [], dims, (t, r) =>
    Object.assign(t, {
      visitors: n(r.visitors),
      pageviews: n(r.pageviews),
      events: n(r.events),
      revenue: n(r.revenue),
    }),
  );
  if (wantsVisits)
    collect(groups, visits ?? [], dims, (t, r) =>
      Object.assign(t, {
        visits: n(r.visits),
        bounces: n(r.bounces),
        durationMs: n(r.duration_ms),
        visitPageviews: n(r.visit_pageviews),
      }),
    );
  if (wantsGoalBase) collect(groups, goalBase ?? [], dims, (t, r) => (t.goalBase = n(r.visitors)));
  // Without dimensions the aggregate is one row even when nothing matched; with them, groups only the numerator has.
  if (dims.length && wantsGoalBase)
    for (const [key, g] of groups)
      if (g.totals.visitors === 0 && !query.dimensions.some((d) => d.startsWith('time:'))) groups.delete(key);
  fillBuckets(groups, query, range);
  const allVisitors = n(all?.[0]?.visitors);
  const results: StatsResultRow[] = [...groups.values()].map((g) => ({
    dimensions: g.dims,
    metrics: query.metrics.map((m) => metricValue(m, g.totals, allVisitors)),
  }));
  const { rows, total } = orderAndPage(results, query);
  return {
    results: rows,
    meta: { total_rows: total, date_range: [range.fromDate, addDays(range.toDate, -1)], time_zone: query.timezone },
    query,
  };
}
