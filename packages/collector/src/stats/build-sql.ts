import type { StatsFilter, StatsTimeDimension } from '@tracklet/protocol';
import { Params, type SqlDialect, type SqlQuery } from './dialect.js';
import { dimensionSql, localTimeSql, needsVisit, sourceSql, timeBucketSql, visitColumns } from './dimensions.js';
import { filterDimensions, filterSql } from './filters.js';
import type { OffsetSegment } from './time-zone.js';

/** One aggregate over an account's events in [from, to), grouped by `dimensions` (all of it dialect-neutral). */
export interface StatsPlan {
  accountId: number;
  test: boolean;
  from: number;
  to: number;
  segments: OffsetSegment[];
  dimensions: string[];
  filters: StatsFilter[];
}

const firstEventColumns = [...new Set(Object.values(visitColumns))];

/** What of a visit a query reads: its totals always; its first event's attributes; its entry and exit pages. */
interface VisitNeeds {
  attributes: boolean;
  pages: boolean;
  source: boolean;
}

const pageDimensions = new Set(['visit:entry_page', 'visit:exit_page']);

/**
 * Visits are computed from the events at query time (see README "Stats"): a visit is the events of one
 * session_id; its attributes are those of its first event, its entry and exit pages its first and last page_view.
 * Each window (one sort of the range's events) is computed only when the query reads what it gives.
 */
function visitsSql(needs: VisitNeeds, d: SqlDialect): string {
  const totals = `SELECT session_id, MIN(occurred_at) AS v_start, MAX(occurred_at) AS v_end, COUNT(*) AS v_events,
    SUM(CASE WHEN event = 'page_view' THEN 1 ELSE 0 END) AS v_pageviews`;
  if (!needs.attributes && !needs.pages)
    return `,\n  vs AS MATERIALIZED (${totals} FROM ev WHERE session_id IS NOT NULL GROUP BY session_id)`;
  const windows = [
    needs.attributes ? 'ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY occurred_at, id) AS rn' : '',
    needs.pages
      ? `ROW_NUMBER() OVER (PARTITION BY session_id, event = 'page_view' ORDER BY occurred_at, id) AS pv_first,
    ROW_NUMBER() OVER (PARTITION BY session_id, event = 'page_view' ORDER BY occurred_at DESC, id DESC) AS pv_last`
      : '',
  ].filter(Boolean);
  const pages = needs.pages
    ? `, MAX(CASE WHEN event = 'page_view' AND pv_first = 1 THEN url END) AS v_entry_url,
    MAX(CASE WHEN event = 'page_view' AND pv_last = 1 THEN url END) AS v_exit_url`
    : '';
  const attributes = needs.attributes
    ? `SELECT t.*, ${firstEventColumns.map((c) => `r.${c} AS v_${c}`).join(', ')}${needs.source ? `, ${sourceSql('r', d)} AS v_source` : ''}
    FROM visit_totals t JOIN ranked r ON r.session_id = t.session_id AND r.rn = 1`
    : 'SELECT * FROM visit_totals';
  return `,
  ranked AS MATERIALIZED (SELECT session_id, id, occurred_at, event, url, ${firstEventColumns.join(', ')},
    ${windows.join(',\n    ')} FROM ev WHERE session_id IS NOT NULL),
  visit_totals AS (${totals}${pages} FROM ranked GROUP BY session_id),
  vs AS MATERIALIZED (${attributes})`;
}

const eventColumnsRead = [
  'id',
  'contact_id',
  'session_id',
  'event',
  'amount',
  'occurred_at',
  'url',
  'data',
  ...firstEventColumns,
];

interface Parts {
  params: Params;
  with: string;
  from: string;
  where: string;
  dims: string[];
}

function partsOf(plan: StatsPlan, d: SqlDialect, withVisits = false): Parts {
  const params = new Params(d);
  const named = [...plan.dimensions, ...plan.filters.flatMap(filterDimensions)];
  const visitNamed = named.filter(needsVisit);
  const visits = withVisits || visitNamed.length > 0;
  const needs = {
    attributes: visitNamed.some((n) => !pageDimensions.has(n)),
    pages: visitNamed.some((n) => pageDimensions.has(n)),
    source: visitNamed.includes('visit:source'),
  };
  const ev = `ev AS (SELECT ${eventColumnsRead.join(', ')} FROM events WHERE account_id = ${params.add(
    plan.accountId,
  )} AND test = ${params.add(d.bool(plan.test))} AND occurred_at >= ${params.add(plan.from)} AND occurred_at < ${params.add(plan.to)})`;
  let from = 'ev';
  if (visits) from += ' LEFT JOIN vs ON vs.session_id = ev.session_id';
  const local = localTimeSql(plan.segments);
  const dims = plan.dimensions.map((dim) =>
    dim.startsWith('time:') ? timeBucketSql(dim as StatsTimeDimension, local, d) : dimensionSql(dim, d),
  );
  const where = plan.filters.map((f, i) => filterSql(f, d, params, `filters[${i}]`));
  // A breakdown by a visit attribute leaves out the events outside any visit (server-API events).
  if (plan.dimensions.some(needsVisit)) where.push('ev.session_id IS NOT NULL');
  return {
    params,
    with: `WITH ${ev}${visits ? visitsSql(needs, d) : ''}`,
    from,
    where: where.length ? `WHERE ${where.join(' AND ')}` : '',
    dims,
  };
}

const aliases = (dims: string[]) => dims.map((_, i) => `d${i}`);
const selectDims = (dims: string[]) => dims.map((sql, i) => `${sql} AS d${i}, `).join('');
const groupBy = (dims: string[]) => (dims.length ? `GROUP BY ${aliases(dims).join(', ')}` : '');

/** Event-level metrics per group: visitors (distinct contacts), pageviews, events, revenue. */
export function eventTotalsSql(plan: StatsPlan, d: SqlDialect): SqlQuery {
  const p = partsOf(plan, d);
  const text = `${p.with}
    SELECT ${selectDims(p.dims)}COUNT(DISTINCT ev.contact_id) AS visitors,
      SUM(CASE WHEN ev.event = 'page_view' THEN 1 ELSE 0 END) AS pageviews, COUNT(*) AS events,
      SUM(CASE WHEN ev.event = 'confirmation' THEN ev.amount ELSE 0 END) AS revenue
    FROM ${p.from} ${p.where} ${groupBy(p.dims)}`;
  return { text, params: p.params.values };
}

/** Visit-level metrics per group, over the visits with at least one matching event (each counted once a group). */
export function visitTotalsSql(plan: StatsPlan, d: SqlDialect): SqlQuery {
  const p = partsOf(plan, d, true);
  const where = p.where ? `${p.where} AND ev.session_id IS NOT NULL` : 'WHERE ev.session_id IS NOT NULL';
  const outer = aliases(p.dims)
    .map((a) => `${a}, `)
    .join('');
  const text = `${p.with}
    SELECT ${outer}COUNT(*) AS visits, SUM(CASE WHEN v_events <= 1 THEN 1 ELSE 0 END) AS bounces,
      SUM(v_end - v_start) AS duration_ms, SUM(v_pageviews) AS visit_pageviews
    FROM (SELECT ${selectDims(p.dims)}ev.session_id AS sid, MAX(vs.v_events) AS v_events, MAX(vs.v_start) AS v_start,
        MAX(vs.v_end) AS v_end, MAX(vs.v_pageviews) AS v_pageviews
      FROM ${p.from} ${where} GROUP BY ${[...aliases(p.dims), 'ev.session_id'].join(', ')}) x
    ${groupBy(p.dims)}`;
  return { text, params: p.params.values };
}

export function firstEventSql(accountId: number, test: boolean, d: SqlDialect): SqlQuery {
  return {
    text: `SELECT MIN(occurred_at) AS first FROM events WHERE account_id = ${d.placeholder(1)} AND test = ${d.placeholder(2)}`,
    params: [accountId, d.bool(test)],
  };
}

/** Distinct visitors whose events arrived since `since` (receive time, so a wrong client clock cannot hide them). */
export function recentVisitorsSql(accountId: number, test: boolean, since: number, d: SqlDialect): SqlQuery {
  return {
    text: `SELECT COUNT(DISTINCT contact_id) AS visitors FROM events WHERE account_id = ${d.placeholder(1)} AND test = ${d.placeholder(2)} AND created_at >= ${d.placeholder(3)}`,
    params: [accountId, d.bool(test), since],
  };
}
