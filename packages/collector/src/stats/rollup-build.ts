import type { Store } from '../store/store.js';
import type { GroupTotals } from './compute-metrics.js';
import { eventTotalsSql, type StatsPlan, visitTotalsSql } from './build-sql.js';
import type { SqlDialect, SqlQuery } from './dialect.js';
import { siteTotalsSql } from './site-totals-sql.js';
import { bucketLabel } from './time-buckets.js';
import { offsetSegments } from './time-zone.js';
import { idsOfList, type VisitorIds } from './visitor-ids.js';

/** What the rollups keep per dimension: the site as a whole (`site`), a visit attribute, an event attribute. */
export type RollupKind = 'site' | 'visit' | 'event';

/** One local day's (or hour's) totals for one value of a dimension (the site's: value null); `day`: its label. */
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

/** How finely a span's rows are cut: a local day each (the days that are over), or an hour (today's that are). */
export type RollupGrain = 'time:day' | 'time:hour';

/** A row's label: its local date, or its local date and hour (`2026-11-20 13`), which sorts after the date. */
export const slotLabel = (grain: RollupGrain, localMs: number): string =>
  grain === 'time:day' ? bucketLabel('time:day', localMs) : bucketLabel('time:hour', localMs).slice(0, 13);

/**
 * The statements whose rows are a span's rollup rows, grouped by local day or hour and value: the very queries the
 * stats API runs (build-sql.ts, site-totals-sql.ts) with the grain in front and the visitors' ids instead of their
 * count, so a span summed from the rollups is what the query over the events answers.
 */
export function rollupQueries(
  scope: RollupScope,
  from: number,
  to: number,
  grain: RollupGrain,
  d: SqlDialect,
): SqlQuery[] {
  const kind = kindOf(scope.dim);
  const plan: StatsPlan = {
    accountId: scope.accountId,
    test: scope.test,
    from,
    to,
    segments: offsetSegments(scope.zone, from, to),
    dimensions: kind === 'site' ? [grain] : [grain, scope.dim],
    filters: [],
  };
  if (kind === 'site') return [siteTotalsSql(plan, d, 'ids'), visitTotalsSql(plan, d)];
  return [eventTotalsSql(plan, d, kind === 'visit', 'ids')];
}

/** The rollup rows of [from, to) (epoch ms), one per local day or hour (`grain`) and value, from the events and visits. */
export async function computeRollupRows(
  store: Pick<Store, 'statsRows'>,
  scope: RollupScope,
  from: number,
  to: number,
  grain: RollupGrain = 'time:day',
): Promise<RollupRow[]> {
  return rollupRowsOf(grain, await store.statsRows((d) => rollupQueries(scope, from, to, grain, d)));
}

/** The rollup rows the answers to `rollupQueries` (in its order) make. */
export function rollupRowsOf(
  grain: RollupGrain,
  [totals = [], visitTotals = []]: Array<Array<Record<string, unknown>>>,
): RollupRow[] {
  const byKey = new Map<string, RollupRow>();
  for (const r of totals) {
    const day = slotLabel(grain, Number(r.d0));
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
  // The site's visit totals come from their own query, by the same day or hour.
  for (const r of visitTotals) {
    const row = byKey.get(`${slotLabel(grain, Number(r.d0))}\u0000null`);
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
