import type { GroupTotals } from './compute-metrics.js';
import { eventTotalsSql, type StatsPlan, visitTotalsSql } from './build-sql.js';
import type { SqlDialect, SqlQuery } from './dialect.js';
import { siteTotalsSql } from './site-totals-sql.js';
import { bucketLabel } from './time-buckets.js';
import { offsetSegments, startOfLocalDay } from './time-zone.js';
import { idsOfList, type VisitorIds } from './visitor-ids.js';

/** What the rollups keep per dimension: the site as a whole (`site`), a visit attribute, an event attribute. */
export type RollupKind = 'site' | 'visit' | 'event';

/** One local day's totals for one value of a dimension (the site's: value null). */
export interface RollupRow extends Omit<GroupTotals, 'visitors' | 'goalBase'> {
  day: string;
  value: string | null;
  visitors: VisitorIds;
}

/** Which account's days, in which zone, of which dimension (`site` for the site as a whole). */
export interface RollupScope {
  accountId: number;
  test: boolean;
  zone: string;
  dim: string;
}

export const kindOf = (dim: string): RollupKind =>
  dim === 'site' ? 'site' : dim.startsWith('visit:') ? 'visit' : 'event';

const n = (v: unknown) => Number(v ?? 0);

/**
 * The statements whose rows are a span's rollup rows, grouped by local day and value: the very queries the stats
 * API runs (build-sql.ts, site-totals-sql.ts) with `time:day` in front and the visitors' ids instead of their count,
 * so a day summed from the rollups is what the query over the events answers.
 */
function rollupQueries(scope: RollupScope, fromDate: string, toDate: string, d: SqlDialect): SqlQuery[] {
  const from = startOfLocalDay(scope.zone, fromDate);
  const to = startOfLocalDay(scope.zone, toDate);
  const kind = kindOf(scope.dim);
  const plan: StatsPlan = {
    accountId: scope.accountId,
    test: scope.test,
    from,
    to,
    segments: offsetSegments(scope.zone, from, to),
    dimensions: kind === 'site' ? ['time:day'] : ['time:day', scope.dim],
    filters: [],
  };
  if (kind === 'site') return [siteTotalsSql(plan, d, 'ids'), visitTotalsSql(plan, d)];
  return [eventTotalsSql(plan, d, kind === 'visit', 'ids')];
}

/** The rollup rows of the local days [fromDate, toDate), computed from the events and visits. */
export async function computeRollupRows(
  statsRows: (build: (d: SqlDialect) => SqlQuery[]) => Promise<Array<Array<Record<string, unknown>>>>,
  scope: RollupScope,
  fromDate: string,
  toDate: string,
): Promise<RollupRow[]> {
  const [totals = [], visitTotals = []] = await statsRows((d) => rollupQueries(scope, fromDate, toDate, d));
  const byKey = new Map<string, RollupRow>();
  for (const r of totals) {
    const day = bucketLabel('time:day', Number(r.d0));
    const value = r.d1 === undefined || r.d1 === null ? null : String(r.d1);
    byKey.set(`${day}\u0000${value}`, {
      day,
      value,
      visitors: idsOfList(r.visitors),
      pageviews: n(r.pageviews),
      events: n(r.events),
      revenue: n(r.revenue),
      visits: n(r.visits),
      bounces: n(r.bounces),
      durationMs: n(r.duration_ms),
      visitPageviews: n(r.visit_pageviews),
    });
  }
  // The site's visit totals come from their own query, by the same day.
  for (const r of visitTotals) {
    const row = byKey.get(`${bucketLabel('time:day', Number(r.d0))}\u0000null`);
    if (!row) continue;
    Object.assign(row, {
      visits: n(r.visits),
      bounces: n(r.bounces),
      durationMs: n(r.duration_ms),
      visitPageviews: n(r.visit_pageviews),
    });
  }
  return [...byKey.values()];
}
