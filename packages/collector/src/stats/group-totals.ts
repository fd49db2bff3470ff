import type { StatsTimeDimension } from '@tracklet/protocol';
import { emptyTotals, type GroupTotals } from './compute-metrics.js';
import { bucketLabel, bucketLabels } from './time-buckets.js';

type Row = Record<string, unknown>;

export interface Group {
  dims: Array<string | null>;
  totals: GroupTotals;
}

const n = (v: unknown) => Number(v ?? 0);

/** How each query's row adds into a group's totals. */
export const addEventTotals = (t: GroupTotals, r: Row) =>
  Object.assign(t, { visitors: n(r.visitors), pageviews: n(r.pageviews), events: n(r.events), revenue: n(r.revenue) });
export const addVisitTotals = (t: GroupTotals, r: Row) =>
  Object.assign(t, {
    visits: n(r.visits),
    bounces: n(r.bounces),
    durationMs: n(r.duration_ms),
    visitPageviews: n(r.visit_pageviews),
  });
export const addGoalBase = (t: GroupTotals, r: Row) => Object.assign(t, { goalBase: n(r.visitors) });

/** Groups keyed by their dimension values, as the API shows them (time buckets as labels). */
export class Groups {
  private readonly byKey = new Map<string, Group>();
  constructor(private readonly dimensions: string[]) {}

  private valuesOf(row: Row): Array<string | null> {
    return this.dimensions.map((dim, i) => {
      const value = row[`d${i}`];
      if (value === null || value === undefined) return null;
      return dim.startsWith('time:') ? bucketLabel(dim as StatsTimeDimension, Number(value)) : String(value);
    });
  }

  private groupOf(dims: Array<string | null>): Group {
    const key = JSON.stringify(dims);
    let group = this.byKey.get(key);
    if (!group) this.byKey.set(key, (group = { dims, totals: emptyTotals() }));
    return group;
  }

  /** Adds a query's rows; `create: false` adds only into groups that exist (a denominator's extra groups). */
  add(rows: Row[], into: (t: GroupTotals, r: Row) => void, create = true): void {
    for (const row of rows) {
      const dims = this.valuesOf(row);
      if (create || this.byKey.has(JSON.stringify(dims))) into(this.groupOf(dims).totals, row);
    }
  }

  /** A time series shows every bucket of its range, the empty ones with zero totals. */
  fillBuckets(fromDate: string, toDate: string): void {
    const [only] = this.dimensions;
    if (this.dimensions.length !== 1 || !only?.startsWith('time:')) return;
    for (const label of bucketLabels(only as StatsTimeDimension, fromDate, toDate)) this.groupOf([label]);
  }

  all(): Group[] {
    return [...this.byKey.values()];
  }
}
