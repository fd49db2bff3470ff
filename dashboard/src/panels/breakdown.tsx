import { useState } from 'preact/hooks';
import type { Credential } from '../credentials.js';
import { count } from '../periods.js';
import { panelState, useStats } from '../use-stats.js';
import { apiFilters, type View } from '../view.js';

export interface Tab {
  label: string;
  dimension: string;
}

export interface BreakdownProps {
  title: string;
  tabs: Tab[];
  credential: Credential;
  view: View;
  setView: (v: View) => void;
  /** With a live key: the people behind a row (pages and goals). */
  onPeople?: (dimension: string, value: string) => void;
}

/** A top-10 list of one dimension (tabs switch the dimension); clicking a row filters every panel by it. */
export function Breakdown({ title, tabs, credential, view, setView, onPeople }: BreakdownProps) {
  const [tab, setTab] = useState(0);
  const dimension = tabs[tab]!.dimension;
  const rows = useStats(credential, {
    metrics: ['visitors', 'percentage'],
    date_range: view.range,
    dimensions: [dimension],
    filters: apiFilters(view),
    limit: 10,
  });
  const narrow = (value: string) =>
    setView({ ...view, filters: [...view.filters.filter((f) => f.dimension !== dimension), { dimension, value }] });
  return (
    <section class="panel" aria-busy={rows.loading} data-state={panelState(rows)} data-panel={title}>
      <header>
        <h2>{title}</h2>
        {tabs.length > 1 && (
          <div role="tablist">
            {tabs.map((t, i) => (
              <button key={t.dimension} type="button" role="tab" aria-selected={i === tab} onClick={() => setTab(i)}>
                {t.label}
              </button>
            ))}
          </div>
        )}
      </header>
      {rows.error && <p class="error">{rows.error}</p>}
      {rows.loading && <p class="loading">Loading…</p>}
      {rows.data && rows.data.results.length === 0 && <p class="empty">Nothing in this period.</p>}
      <ol class="rows">
        {rows.data?.results.map((r) => {
          const value = r.dimensions[0] ?? '(none)';
          return (
            <li key={value} style={{ '--share': `${r.metrics[1] ?? 0}%` }}>
              <button type="button" class="row" title={`Filter by ${value}`} onClick={() => narrow(value)}>
                <span class="name">{value}</span>
                <span class="value">{count(r.metrics[0])}</span>
              </button>
              {onPeople && (
                <button type="button" class="people" onClick={() => onPeople(dimension, value)}>
                  People
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
