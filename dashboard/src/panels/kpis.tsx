import type { StatsResponse } from '@tracklet/protocol';
import type { Credential } from '../credentials.js';
import { count, duration, previousPeriod } from '../periods.js';
import { rangeKey, useResolvedPeriods } from '../resolved-period.js';
import { type Loaded, panelState, useStats } from '../use-stats.js';
import { apiFilters, type View } from '../view.js';

const METRICS = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'] as const;
const LABELS = ['Unique visitors', 'Visits', 'Pageviews', 'Views per visit', 'Bounce rate', 'Visit duration'];
const shown = (i: number, v: number | null | undefined): string =>
  i === 4 ? (v == null ? '–' : `${v}%`) : i === 5 ? duration(v) : i === 3 ? String(v ?? '–') : count(v);

/** The change against the previous period, in percent (bounce rate: in points, lower is better). */
function Change({ now, before, index }: { now: number | null; before: number | null; index: number }) {
  if (now == null || before == null || (index !== 4 && before === 0)) return null;
  const delta = index === 4 ? now - before : ((now - before) / before) * 100;
  const good = index === 4 ? delta <= 0 : delta >= 0;
  return (
    <span class={good ? 'change up' : 'change down'}>
      {delta >= 0 ? '↑' : '↓'} {Math.abs(Math.round(delta))}
      {index === 4 ? ' pts' : '%'}
    </span>
  );
}

/** The KPIs' query of the view's period (the dashboard runs it: its answer also says whether the period is empty). */
export const kpiQuery = (view: View) => ({ metrics: METRICS, filters: apiFilters(view), date_range: view.range });

/**
 * The headline numbers, each with its change against the period before (same length). That period's dates come from
 * the first answer for this range (any panel's), in the account's zone: the comparison waits for it, the numbers not.
 */
export function Kpis({ credential, view, now }: { credential: Credential; view: View; now: Loaded<StatsResponse> }) {
  const range = useResolvedPeriods().resolved.dates[rangeKey(view.range)];
  const before = useStats(credential, range ? { ...kpiQuery(view), date_range: previousPeriod(range) } : null);
  if (now.error)
    return (
      <p class="error kpis" data-state="error">
        {now.error}
      </p>
    );
  const values = now.data?.results[0]?.metrics ?? [];
  const previous = range ? (before.data?.results[0]?.metrics ?? []) : [];
  return (
    <section
      class="kpis"
      aria-busy={now.loading}
      aria-label="Key numbers"
      data-state={panelState(now)}
      data-compare-state={panelState(before)}
    >
      {LABELS.map((label, i) => (
        <div class="kpi" key={label}>
          <div class="kpi-label">{label}</div>
          <div class="kpi-value" data-metric={METRICS[i]}>
            {now.loading ? '…' : shown(i, values[i])}
          </div>
          {!now.loading && <Change now={values[i] ?? null} before={previous[i] ?? null} index={i} />}
        </div>
      ))}
    </section>
  );
}
