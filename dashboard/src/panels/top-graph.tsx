import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Credential } from '../credentials.js';
import { bucketFor } from '../periods.js';
import { panelState, useStats } from '../use-stats.js';
import { apiFilters, type View } from '../view.js';

/**
 * uPlot, loaded beside the panels' first queries rather than before them: two thirds of the page's script, which the
 * browser would otherwise evaluate before any request leaves (issue #19's first paint).
 */
const uPlotLoaded = import('uplot').then((m) => m.default);

/** Draws the series with uPlot, sized to its box, and redraws whenever the box changes width. */
function Chart({ xs, ys, label }: { xs: number[]; ys: number[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    let plot: uPlot | null = null;
    let gone = false;
    const resize = () => {
      if (plot && plot.width !== el.clientWidth) plot.setSize({ width: el.clientWidth, height: 220 });
    };
    // The box, not the window: a resize event is dispatched a frame after the viewport changes, and the box also
    // changes width without one (a scrollbar appearing, the panel's column).
    const watcher = new ResizeObserver(resize);
    void uPlotLoaded.then((UPlot) => {
      if (gone) return;
      plot = new UPlot(
        {
          width: el.clientWidth,
          height: 220,
          legend: { show: false },
          series: [{}, { label, stroke: '#4f46e5', fill: 'rgba(79,70,229,0.12)', width: 2 }],
          axes: [{}, { size: 50 }],
          // The x values are the account's wall times written as UTC (see wallTime): shown as UTC, they read right
          // in every browser, whatever its own zone.
          tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        },
        [xs, ys],
        el,
      );
    });
    watcher.observe(el);
    return () => {
      gone = true;
      watcher.disconnect();
      plot?.destroy();
    };
  }, [xs.join(), ys.join(), label]);
  return <div ref={box} class="chart" aria-hidden="true" />;
}

/** A bucket's label (`2026-11-01`, `2026-11-01 13:00:00`: the account's local time) as seconds of that wall time in UTC. */
const wallTime = (label: string): number =>
  Date.parse(label.length === 10 ? `${label}T00:00:00Z` : `${label.replace(' ', 'T')}Z`) / 1000;

/** Visitors or pageviews per hour, day or month: every bucket present, zeros included (the API's series). */
export function TopGraph({
  credential,
  view,
  setView,
}: {
  credential: Credential;
  view: View;
  setView: (v: View) => void;
}) {
  const bucket = bucketFor(view.range);
  const series = useStats(credential, {
    metrics: [view.metric],
    date_range: view.range,
    dimensions: [bucket],
    filters: apiFilters(view),
    limit: 1000,
  });
  const rows = series.data?.results ?? [];
  const xs = rows.map((r) => wallTime(String(r.dimensions[0])));
  const ys = rows.map((r) => r.metrics[0] ?? 0);
  const other = view.metric === 'visitors' ? 'pageviews' : 'visitors';
  return (
    <section class="panel graph" aria-busy={series.loading} data-state={panelState(series)} data-panel="Graph">
      <header>
        <h2>
          {view.metric === 'visitors' ? 'Visitors' : 'Pageviews'} per {bucket.slice(5)}
        </h2>
        <button type="button" class="link" onClick={() => setView({ ...view, metric: other })}>
          Show {other}
        </button>
      </header>
      {series.error && <p class="error">{series.error}</p>}
      {series.loading && <p class="loading">Loading…</p>}
      {!series.loading && !series.error && <Chart xs={xs} ys={ys} label={view.metric} />}
      <details class="series-table">
        <summary>The numbers behind the graph</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{bucket.slice(5)}</th>
              <th scope="col">{view.metric}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={String(r.dimensions[0])}>
                <td>{r.dimensions[0]}</td>
                <td>{r.metrics[0]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
