import type { Credential } from '../credentials.js';
import { count } from '../periods.js';
import { panelState, useStats } from '../use-stats.js';
import { apiFilters, type View } from '../view.js';

interface GoalsProps {
  credential: Credential;
  view: View;
  setView: (v: View) => void;
  onPeople?: (dimension: string, value: string) => void;
}

/** Goals and custom events: visitors, events, conversion rate (share of all visitors) and revenue per event name. */
export function Goals({ credential, view, setView, onPeople }: GoalsProps) {
  const rows = useStats(credential, {
    metrics: ['visitors', 'events', 'percentage', 'revenue'],
    date_range: view.range,
    dimensions: ['event:name'],
    filters: apiFilters(view),
    limit: 20,
  });
  const narrow = (value: string) =>
    setView({
      ...view,
      filters: [...view.filters.filter((f) => f.dimension !== 'event:goal'), { dimension: 'event:goal', value }],
    });
  return (
    <section class="panel goals" aria-busy={rows.loading} data-state={panelState(rows)} data-panel="Goals">
      <header>
        <h2>Goals and events</h2>
      </header>
      {rows.error && <p class="error">{rows.error}</p>}
      {rows.loading && <p class="loading">Loading…</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Visitors</th>
            <th scope="col">Events</th>
            <th scope="col">CR</th>
            <th scope="col">Revenue</th>
            {onPeople && (
              <th scope="col">
                <span class="sr-only">People</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.data?.results.map((r) => {
            const name = String(r.dimensions[0]);
            return (
              <tr key={name} data-goal={name}>
                <td>
                  <button type="button" class="row" onClick={() => narrow(name)}>
                    {name}
                  </button>
                </td>
                <td>{count(r.metrics[0])}</td>
                <td>{count(r.metrics[1])}</td>
                <td>{r.metrics[2] ?? 0}%</td>
                <td>{r.metrics[3] ? r.metrics[3].toFixed(2) : '–'}</td>
                {onPeople && (
                  <td>
                    <button type="button" class="people" onClick={() => onPeople('event:name', name)}>
                      People
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
