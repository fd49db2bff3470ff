import type { StatsFilter } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { Params, SqlDialect } from './dialect.js';
import { dimensionSql } from './dimensions.js';

type Condition = Extract<StatsFilter, [string, string, string[]]>;

const isCondition = (f: StatsFilter): f is Condition => f.length === 3;

/** Every dimension a filter tree names. */
export function filterDimensions(filter: StatsFilter): string[] {
  if (isCondition(filter)) return [filter[1]];
  if (filter[0] === 'not') return filterDimensions(filter[1] as StatsFilter);
  return (filter[1] as StatsFilter[]).flatMap(filterDimensions);
}

/** A top-level `is event:goal` filter: what conversion_rate divides by the visitors without it. */
export const isGoalFilter = (f: StatsFilter) => isCondition(f) && f[0] === 'is' && f[1] === 'event:goal';

/** `Visit /blog*`: a page goal, `*` matching any characters; anything else names an event. */
function goalSql(goal: string, d: SqlDialect, params: Params): string {
  if (!goal.startsWith('Visit ')) return `ev.event = ${params.add(goal)}`;
  const glob = goal.slice('Visit '.length).trim();
  const pattern = `^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`;
  return `(ev.event = 'page_view' AND ${d.matches(d.path('ev.url'), params.add(pattern))})`;
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

function conditionSql([op, dimension, values]: Condition, d: SqlDialect, params: Params, path: string): string {
  if (dimension === 'event:goal') {
    if (op !== 'is' && op !== 'is_not')
      throw new TrackletError('invalid_field', 'event:goal filters take is or is_not', { path });
    const goals = anyOf(values.map((g) => goalSql(g, d, params)));
    return op === 'is' ? goals : `NOT ${goals}`;
  }
  const column = dimensionSql(dimension, d);
  if (op === 'is') return `${column} IN (${values.map((v) => params.add(v)).join(', ')})`;
  if (op === 'is_not')
    return `(${column} IS NULL OR ${column} NOT IN (${values.map((v) => params.add(v)).join(', ')}))`;
  if (op === 'contains') return anyOf(values.map((v) => d.contains(column, params.add(v))));
  values.forEach((v, i) => checkPattern(v, `${path}[2][${i}]`));
  return anyOf(values.map((v) => d.matches(column, params.add(v))));
}

function checkPattern(pattern: string, path: string): void {
  try {
    new RegExp(pattern);
  } catch {
    throw new TrackletError('invalid_field', `not a regular expression: ${pattern}`, { path });
  }
}

/** A filter tree as a SQL condition over `ev` (the event) and `v` (its visit). */
export function filterSql(filter: StatsFilter, d: SqlDialect, params: Params, path: string): string {
  if (isCondition(filter)) return conditionSql(filter, d, params, path);
  if (filter[0] === 'not') return `NOT (${filterSql(filter[1] as StatsFilter, d, params, `${path}[1]`)})`;
  const parts = (filter[1] as StatsFilter[]).map((f, i) => filterSql(f, d, params, `${path}[1][${i}]`));
  return `(${parts.join(filter[0] === 'and' ? ' AND ' : ' OR ')})`;
}
