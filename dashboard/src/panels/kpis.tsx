import type { Credential } from '../credentials.js';
import { count, duration, previousPeriod, timeZone } from '../periods.js';
import { useStats } from '../use-stats.js';
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

/** The headline numbers, each with its change against the period before (same length). */
export function Kpis({ credential, view }: { credential: Credential; view: View }) {
  const base = { metrics: METRICS, timezone: timeZone(), filters: apiFilters(view) };
  const now = useStats(credential, { ...base, date_range: view.range });
  const range = now.data?.meta.date_range.map((d) => d.slice(0, 10)) as [string, string] | undefined;
  const before = useStats(credential, { ...base, date_range: range ? previousPeriod(range) : view.range });
  if (now.error) return <p class="error">{now.error}</p>;
  const values = now.data?.results[0]?.metrics ?? [];
  const previous = range ? (before.data?.results[0]?.metrics ?? []) : [];
  return (
    <section class="kpis" aria-busy={now.loading} aria-label="Key numbers">
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
