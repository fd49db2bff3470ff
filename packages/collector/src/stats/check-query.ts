import type { StatsQuery, StatsResultRow } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { isGoalFilter } from './filters.js';

/** What the schema cannot see: metrics that need a dimension or a goal, and what order_by may name. */
export function checkQuery(query: StatsQuery): void {
  query.metrics.forEach((metric, i) => {
    if (metric === 'percentage' && query.dimensions.length === 0)
      throw new TrackletError('invalid_field', 'percentage is a share of all visitors: it needs a dimension', {
        path: `metrics[${i}]`,
      });
    if (metric === 'conversion_rate' && !query.filters.some(isGoalFilter))
      throw new TrackletError('invalid_field', 'conversion_rate needs a filter ["is", "event:goal", [...]]', {
        path: `metrics[${i}]`,
      });
  });
  query.order_by?.forEach(([name], i) => {
    if (!query.metrics.includes(name as never) && !query.dimensions.includes(name))
      throw new TrackletError('invalid_field', `order_by names ${name}, which is neither a metric nor a dimension`, {
        path: `order_by[${i}][0]`,
      });
  });
}

type Value = string | number | null;

function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Sorts by order_by, else a time series by time and a breakdown by its first metric (largest first), ties by
 * dimension values; then cuts the page.
 */
export function orderAndPage(rows: StatsResultRow[], query: StatsQuery): { rows: StatsResultRow[]; total: number } {
  const timeFirst = query.dimensions[0]?.startsWith('time:');
  const order: Array<[string, 'asc' | 'desc']> =
    query.order_by ?? (timeFirst ? [[query.dimensions[0]!, 'asc']] : [[query.metrics[0]!, 'desc']]);
  const keys = [...order, ...query.dimensions.map((d) => [d, 'asc'] as [string, 'asc'])].map(([name, dir]) => {
    const metric = query.metrics.indexOf(name as never);
    const dimension = query.dimensions.indexOf(name);
    const pick = (r: StatsResultRow): Value => (metric >= 0 ? r.metrics[metric]! : r.dimensions[dimension]!);
    return { pick, sign: dir === 'asc' ? 1 : -1 };
  });
  const sorted = [...rows].sort((a, b) => {
    for (const { pick, sign } of keys) {
      const c = compare(pick(a), pick(b));
      if (c !== 0) return c * sign;
    }
    return 0;
  });
  const start = (query.page - 1) * query.limit;
  return { rows: sorted.slice(start, start + query.limit), total: rows.length };
}
