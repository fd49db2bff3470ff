import type { View } from './view.js';

const LABEL: Record<string, string> = { 'event:goal': 'Goal', 'event:page': 'Page', 'visit:source': 'Source' };

/** The active filters, each removable; they are in the URL, so the view can be bookmarked. */
export function FiltersBar({ view, setView }: { view: View; setView: (v: View) => void }) {
  if (!view.filters.length) return null;
  return (
    <ul class="filters" aria-label="Filters">
      {view.filters.map((f) => (
        <li key={f.dimension}>
          {LABEL[f.dimension] ?? f.dimension.replace(/^\w+:/, '')} is <b>{f.value}</b>
          <button
            type="button"
            aria-label={`Remove the filter ${f.dimension} is ${f.value}`}
            onClick={() => setView({ ...view, filters: view.filters.filter((g) => g !== f) })}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
