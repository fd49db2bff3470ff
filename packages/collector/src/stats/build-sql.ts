import type { StatsFilter, StatsTimeDimension } from '@tracklet/protocol';
import { Params, type SqlDialect, type SqlQuery, type VisitorsAs } from './dialect.js';
import { dimensionSql, localTimeSql, needsVisit, timeBucketSql } from './dimensions.js';
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

const namedIn = (plan: StatsPlan) => [...plan.dimensions, ...plan.filters.flatMap(filterDimensions)];

/** Whether every dimension and filter of the plan is the visit's (or time): then `visits` alone answers it. */
export const visitsAnswer = (plan: StatsPlan) => namedIn(plan).every((n) => needsVisit(n) || n.startsWith('time:'));

/** Whether the plan groups or filters by a visit attribute (so it is about visits, not all events). */
export const namesVisit = (plan: StatsPlan) => namedIn(plan).some(needsVisit);

interface Parts {
  params: Params;
  from: string;
  where: string;
  dims: string[];
}

function dimsOf(plan: StatsPlan, time: string, d: SqlDialect): string[] {
  const local = localTimeSql(plan.segments, time);
  return plan.dimensions.map((dim) =>
    dim.startsWith('time:') ? timeBucketSql(dim as StatsTimeDimension, local, d) : dimensionSql(dim, d),
  );
}

/**
 * The account's events in the range (`ev`), each joined to its visit's row (`v`) when the plan names a visit
 * attribute or `visitsInRange` (visit metrics): then only visits that started in the range count, each whole.
 */
function eventParts(plan: StatsPlan, d: SqlDialect, visitsInRange = false): Parts {
  const params = new Params(d);
  const join = visitsInRange || namesVisit(plan);
  const where = [
    `ev.account_id = ${params.add(plan.accountId)}`,
    `ev.test = ${params.add(d.bool(plan.test))}`,
    `ev.occurred_at >= ${params.add(plan.from)}`,
    `ev.occurred_at < ${params.add(plan.to)}`,
  ];
  if (visitsInRange) where.push(`v.started_at >= ${params.add(plan.from)}`, `v.started_at < ${params.add(plan.to)}`);
  where.push(...plan.filters.map((f, i) => filterSql(f, d, params, `filters[${i}]`)));
  // A breakdown by a visit attribute leaves out the events outside any visit (server-API events).
  if (plan.dimensions.some(needsVisit)) where.push('ev.session_id IS NOT NULL');
  const on = 'v.account_id = ev.account_id AND v.test = ev.test AND v.session_id = ev.session_id';
  return {
    params,
    from: `events ev${join ? ` ${visitsInRange ? 'JOIN' : 'LEFT JOIN'} visits v ON ${on}` : ''}`,
    where: `WHERE ${where.join(' AND ')}`,
    dims: dimsOf(plan, 'ev.occurred_at', d),
  };
}

/** The account's visits that started in the range (`v`): a visit counts whole in the range of its first event. */
function visitParts(plan: StatsPlan, d: SqlDialect): Parts {
  const params = new Params(d);
  const where = [
    `v.account_id = ${params.add(plan.accountId)}`,
    `v.test = ${params.add(d.bool(plan.test))}`,
    `v.started_at >= ${params.add(plan.from)}`,
    `v.started_at < ${params.add(plan.to)}`,
    ...plan.filters.map((f, i) => filterSql(f, d, params, `filters[${i}]`)),
  ];
  return { params, from: 'visits v', where: `WHERE ${where.join(' AND ')}`, dims: dimsOf(plan, 'v.started_at', d) };
}

const aliases = (dims: string[]) => dims.map((_, i) => `d${i}`);
const selectDims = (dims: string[]) => dims.map((sql, i) => `${sql} AS d${i}, `).join('');
const groupBy = (dims: string[]) => (dims.length ? `GROUP BY ${aliases(dims).join(', ')}` : '');

/** Distinct contacts are the costly part (a sort of every contact id): left out when no metric reads them. */
export const visitorsSql = (column: string, d: SqlDialect, visitors: VisitorsAs) =>
  visitors === 'ids' ? d.idList(column) : visitors ? `COUNT(DISTINCT ${column})` : '0';

const visitTotals = `COUNT(*) AS visits, SUM(CASE WHEN v.events <= 1 THEN 1 ELSE 0 END) AS bounces,
  SUM(v.ended_at - v.started_at) AS duration_ms, SUM(v.pageviews) AS visit_pageviews`;

/**
 * Event-level metrics per group: visitors (distinct contacts), pageviews, events, revenue. `fromVisits`: summed over
 * the visits' rows (runStats picks it for plans about visits only: the same totals, without the events), with the
 * visit-level ones of visitTotalsSql in the same pass.
 */
export function eventTotalsSql(
  plan: StatsPlan,
  d: SqlDialect,
  fromVisits: boolean,
  visitors: VisitorsAs = true,
): SqlQuery {
  const p = fromVisits ? visitParts(plan, d) : eventParts(plan, d);
  const distinct = visitorsSql(`${fromVisits ? 'v' : 'ev'}.contact_id`, d, visitors);
  const totals = fromVisits
    ? `${distinct} AS visitors, SUM(v.pageviews) AS pageviews, SUM(v.events) AS events,
      SUM(v.revenue) AS revenue, ${visitTotals}`
    : `${distinct} AS visitors, SUM(CASE WHEN ev.event = 'page_view' THEN 1 ELSE 0 END) AS pageviews,
      COUNT(*) AS events, SUM(CASE WHEN ev.event = 'confirmation' THEN ev.amount ELSE 0 END) AS revenue`;
  const text = `SELECT ${selectDims(p.dims)}${totals} FROM ${p.from} ${p.where} ${groupBy(p.dims)}`;
  return { text, params: p.params.values };
}

/**
 * Visit-level metrics per group, over the visits that started in the range: read from `visits` alone when the plan
 * names visit attributes only, else over the visits with at least one matching event in the range (each counted once
 * a group).
 */
export function visitTotalsSql(plan: StatsPlan, d: SqlDialect): SqlQuery {
  if (visitsAnswer(plan)) {
    const p = visitParts(plan, d);
    return {
      text: `SELECT ${selectDims(p.dims)}${visitTotals} FROM ${p.from} ${p.where} ${groupBy(p.dims)}`,
      params: p.params.values,
    };
  }
  const p = eventParts(plan, d, true);
  const perVisit = `SELECT ${selectDims(p.dims)}v.session_id AS session_id, MAX(v.events) AS events,
      MAX(v.started_at) AS started_at, MAX(v.ended_at) AS ended_at, MAX(v.pageviews) AS pageviews
    FROM ${p.from} ${p.where} GROUP BY ${[...aliases(p.dims), 'v.session_id'].join(', ')}`;
  const outer = aliases(p.dims)
    .map((a) => `v.${a}, `)
    .join('');
  const text = `SELECT ${outer}${visitTotals} FROM (${perVisit}) v ${
    p.dims.length
      ? `GROUP BY ${aliases(p.dims)
          .map((a) => `v.${a}`)
          .join(', ')}`
      : ''
  }`;
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
