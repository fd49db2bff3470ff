import type { Feed } from './feed.js';

const W = 260;
const H = 70;

/** Events per minute (last 30 minutes), as plain SVG bars. */
function PerMinute({ points }: { points: Feed['stats']['per_minute'] }) {
  const now = Math.floor(Date.now() / 60_000);
  const counts = Array.from(
    { length: 30 },
    (_, i) => points.find((p) => Math.floor(Date.parse(p.minute) / 60_000) === now - 29 + i)?.count ?? 0,
  );
  const max = Math.max(1, ...counts);
  const bar = W / counts.length;
  return (
    <svg width={W} height={H} role="img" aria-label="events per minute">
      {counts.map((c, i) => (
        <rect key={i} x={i * bar + 1} y={H - (c / max) * H} width={bar - 2} height={(c / max) * H} fill="#6366f1" />
      ))}
    </svg>
  );
}

/** Events by UTM source, as horizontal bars. */
function BySource({ rows }: { rows: Feed['stats']['by_utm_source'] }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <svg width={W} height={rows.length * 18} role="img" aria-label="events by UTM source">
      {rows.slice(0, 6).map((r, i) => (
        <g key={r.source} transform={`translate(0 ${i * 18})`}>
          <rect x={90} y={3} width={((W - 120) * r.count) / max} height={12} fill="#10b981" />
          <text x={0} y={13} font-size="11">
            {r.source}
          </text>
          <text x={96 + ((W - 120) * r.count) / max} y={13} font-size="11">
            {r.count}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function Charts({ feed }: { feed: Feed }) {
  return (
    <div class="charts">
      <div>
        <h3>Events per minute</h3>
        <PerMinute points={feed.stats.per_minute} />
      </div>
      <div>
        <h3>By UTM source</h3>
        <BySource rows={feed.stats.by_utm_source} />
      </div>
    </div>
  );
}
