import type { StatsQuery, StatsResponse } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import {
  eventTotalsSql,
  firstEventSql,
  namesVisit,
  type StatsPlan,
  visitsAnswer,
  visitTotalsSql,
} from './build-sql.js';
import { checkQuery, orderAndPage } from './check-query.js';
import { metricValue } from './compute-metrics.js';
import { resolveDateRange, type ResolvedRange } from './date-range.js';
import type { SqlDialect, SqlQuery } from './dialect.js';
import { isGoalFilter } from './filters.js';
import { isSiteWide, siteTotalsSql } from './site-totals-sql.js';
import { addEventTotals, addGoalBase, addVisitTotals, Groups } from './group-totals.js';
import { rollupGroups } from './rollups.js';
import { addDays, offsetSegments } from './time-zone.js';

const visitMetrics = new Set(['visits', 'bounce_rate', 'visit_duration', 'views_per_visit']);

/** Who asks: the account, and whether its key reads test events (a tk_test_ key) or live ones. */
export interface StatsReader {
  accountId: number;
  test: boolean;
}

async function rangeOf(store: Store, reader: StatsReader, query: StatsQuery, now: number): Promise<ResolvedRange> {
  let first: number | null = null;
  if (query.date_range === 'all') {
    const [rows] = await store.statsRows((d) => [firstEventSql(reader.accountId, reader.test, d)]);
    const value = rows?.[0]?.first;
    first = value === null || value === undefined ? null : Number(value);
  }
  return resolveDateRange(query.date_range, query.timezone, now, first);
}

/**
 * The queries a stats query needs, by role: event totals always; the others only for the metrics that use them. A
 * plan about visits alone (visit attributes, no event ones) sums its event totals over `visits`, a site-wide one over
 * `visits` and the events outside any visit, and so does the percentage's whole; the goal's base is computed like the
 * goal's numerator, from the events.
 */
function queriesOf(plan: StatsPlan, query: StatsQuery) {
  const fromVisits = visitsAnswer(plan) && namesVisit(plan);
  const wants = {
    visits: query.metrics.some((m) => visitMetrics.has(m)),
    goalBase: query.metrics.includes('conversion_rate'),
    all: query.metrics.includes('percentage'),
    visitors: query.metrics.some((m) => m === 'visitors' || m === 'percentage'),
  };
  const totals = (p: StatsPlan, d: SqlDialect, visitors = true) =>
    isSiteWide(p) ? siteTotalsSql(p, d, visitors) : eventTotalsSql(p, d, fromVisits, visitors);
  const build = (d: SqlDialect): SqlQuery[] => [
    totals(plan, d, wants.visitors || wants.goalBase),
    ...(wants.visits && !fromVisits ? [visitTotalsSql(plan, d)] : []),
    ...(wants.goalBase
      ? [eventTotalsSql({ ...plan, filters: plan.filters.filter((f) => !isGoalFilter(f)) }, d, false)]
      : []),
    ...(wants.all ? [totals({ ...plan, dimensions: [] }, d)] : []),
  ];
  return { wants, fromVisits, build };
}

/** The groups and the whole's visitors, summed by the stores over the events and visits of the range. */
async function groupsFromEvents(store: Store, reader: StatsReader, query: StatsQuery, range: ResolvedRange) {
  const segments = offsetSegments(query.timezone, range.from, range.to);
  const plan: StatsPlan = { ...reader, ...range, segments, dimensions: query.dimensions, filters: query.filters };
  const { wants, fromVisits, build } = queriesOf(plan, query);
  const [events = [], ...rest] = await store.statsRows(build);
  const groups = new Groups(query.dimensions);
  groups.add(events, addEventTotals);
  if (wants.visits) groups.add(fromVisits ? events : (rest.shift() ?? []), addVisitTotals, false);
  if (wants.goalBase) groups.add(rest.shift() ?? [], addGoalBase, false);
  const allVisitors = wants.all ? Number(rest.shift()?.[0]?.visitors ?? 0) : 0;
  groups.fillBuckets(range.fromDate, range.toDate);
  return { groups: groups.all(), allVisitors };
}

export interface RunStatsOptions {
  /** Whether the daily rollups (rollups.ts) answer the queries they can; false: always the events. */
  rollups?: boolean;
  /** A rollup write that failed (the answer does not depend on it). */
  onRollupError?: (error: unknown) => void;
}

/** `POST /v1/stats/query`: validates what the schema cannot, runs the store's aggregates, shapes the answer. */
export async function runStats(
  store: Store,
  reader: StatsReader,
  query: StatsQuery,
  now: number,
  options: RunStatsOptions = {},
): Promise<StatsResponse> {
  checkQuery(query);
  const range = await rangeOf(store, reader, query, now);
  const { groups, allVisitors } =
    (options.rollups !== false && (await rollupGroups(store, reader, query, range, now, options.onRollupError))) ||
    (await groupsFromEvents(store, reader, query, range));
  const results = groups.map((g) => ({
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
