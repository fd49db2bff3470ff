import type { StatsMetric } from '@tracklet/protocol';

/** What the stores summed for one group (missing parts are zero). */
export interface GroupTotals {
  visitors: number;
  pageviews: number;
  events: number;
  revenue: number;
  visits: number;
  bounces: number;
  durationMs: number;
  visitPageviews: number;
  /** Visitors of the group without the goal filter (conversion_rate's denominator). */
  goalBase: number;
}

export const emptyTotals = (): GroupTotals => ({
  visitors: 0,
  pageviews: 0,
  events: 0,
  revenue: 0,
  visits: 0,
  bounces: 0,
  durationMs: 0,
  visitPageviews: 0,
  goalBase: 0,
});

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/**
 * A metric's value as Plausible's API v2 rounds it: counts whole, bounce_rate and visit_duration (seconds) whole,
 * views_per_visit, conversion_rate, percentage and revenue to 2 decimals.
 */
export function metricValue(metric: StatsMetric, t: GroupTotals, allVisitors: number): number {
  switch (metric) {
    case 'visitors':
      return t.visitors;
    case 'visits':
      return t.visits;
    case 'pageviews':
      return t.pageviews;
    case 'events':
      return t.events;
    case 'views_per_visit':
      return round(ratio(t.visitPageviews, t.visits), 2);
    case 'bounce_rate':
      return Math.round(ratio(t.bounces, t.visits) * 100);
    case 'visit_duration':
      return Math.round(ratio(t.durationMs, t.visits) / 1000);
    case 'conversion_rate':
      return round(ratio(t.visitors, t.goalBase) * 100, 2);
    case 'revenue':
      return round(t.revenue, 2);
    case 'percentage':
      return round(ratio(t.visitors, allVisitors) * 100, 2);
  }
}
