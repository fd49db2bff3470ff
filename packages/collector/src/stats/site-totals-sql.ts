import type { StatsTimeDimension } from '@tracklet/protocol';
import { type StatsPlan, visitorsSql } from './build-sql.js';
import { Params, type SqlDialect, type SqlQuery, type VisitorsAs } from './dialect.js';
import { localTimeSql, timeBucketSql } from './dimensions.js';

/** Whether a plan is about the whole site: no filter, no dimension but time (the aggregate, a time series). */
export const isSiteWide = (plan: StatsPlan) =>
  plan.filters.length === 0 && plan.dimensions.every((d) => d.startsWith('time:'));

/**
 * The event metrics of a site-wide plan without reading every event of the range: the visits that started in it
 * (each whole, by the range rule) plus the events outside any visit (server-API events, found by the partial index
 * `events_without_visit`). The same totals as counting the range's events, but for the visits that straddle its
 * edges; 4–10× faster, since distinct contacts are sorted from one row a visit instead of one an event.
 */
export function siteTotalsSql(plan: StatsPlan, d: SqlDialect, visitors: VisitorsAs): SqlQuery {
  const params = new Params(d);
  const range = (alias: string, time: string) =>
    `${alias}.account_id = ${params.add(plan.accountId)} AND ${alias}.test = ${params.add(d.bool(plan.test))} ` +
    `AND ${time} >= ${params.add(plan.from)} AND ${time} < ${params.add(plan.to)}`;
  const buckets = (time: string) =>
    plan.dimensions
      .map((dim, i) => `${timeBucketSql(dim as StatsTimeDimension, localTimeSql(plan.segments, time), d)} AS d${i}, `)
      .join('');
  const fromVisits = `SELECT ${buckets('v.started_at')}v.contact_id, v.pageviews, v.events, v.revenue
    FROM visits v WHERE ${range('v', 'v.started_at')}`;
  const outsideVisits = `SELECT ${buckets('ev.occurred_at')}ev.contact_id,
      CASE WHEN ev.event = 'page_view' THEN 1 ELSE 0 END, 1, CASE WHEN ev.event = 'confirmation' THEN ev.amount ELSE 0 END
    FROM events ev WHERE ${range('ev', 'ev.occurred_at')} AND ev.session_id IS NULL`;
  const dims = plan.dimensions.map((_, i) => `d${i}`);
  const text = `SELECT ${dims.map((a) => `${a}, `).join('')}${visitorsSql('contact_id', d, visitors)} AS visitors,
      SUM(pageviews) AS pageviews, SUM(events) AS events, SUM(revenue) AS revenue
    FROM (${fromVisits} UNION ALL ${outsideVisits}) u ${dims.length ? `GROUP BY ${dims.join(', ')}` : ''}`;
  return { text, params: params.values };
}
