import { useEffect, useState } from 'preact/hooks';

export type Preset = 'day' | '7d' | '30d' | 'month' | '12mo' | 'all';
export type DateRange = Preset | [string, string];
/** One narrowing of every panel: `dimension is value` (clicking a row adds one). */
export type Filter = { dimension: string; value: string };
export interface View {
  range: DateRange;
  filters: Filter[];
  /** The top graph's metric. */
  metric: 'visitors' | 'pageviews';
}

const PRESETS: Preset[] = ['day', '7d', '30d', 'month', '12mo', 'all'];

/** The view lives in the URL (`?range=30d&f=visit:source|Google&metric=pageviews`): bookmark it, share it. */
export function readView(search = location.search): View {
  const p = new URLSearchParams(search);
  const r = p.get('range') ?? '30d';
  const custom = /^(\d{4}-\d{2}-\d{2}),(\d{4}-\d{2}-\d{2})$/.exec(r);
  const range: DateRange = custom ? [custom[1]!, custom[2]!] : PRESETS.includes(r as Preset) ? (r as Preset) : '30d';
  const filters = p.getAll('f').flatMap((f) => {
    const bar = f.indexOf('|');
    return bar > 0 ? [{ dimension: f.slice(0, bar), value: f.slice(bar + 1) }] : [];
  });
  return { range, filters, metric: p.get('metric') === 'pageviews' ? 'pageviews' : 'visitors' };
}

export function searchOf(view: View): string {
  const p = new URLSearchParams();
  p.set('range', typeof view.range === 'string' ? view.range : view.range.join(','));
  for (const f of view.filters) p.append('f', `${f.dimension}|${f.value}`);
  if (view.metric !== 'visitors') p.set('metric', view.metric);
  return `?${p}`;
}

/** The current view, and a setter that pushes it to the history (back undoes a click). */
export function useView(): [View, (next: View) => void] {
  const [view, setView] = useState(readView);
  useEffect(() => {
    const onPop = () => setView(readView());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const change = (next: View) => {
    history.pushState(null, '', searchOf(next) + location.hash);
    setView(next);
  };
  return [view, change];
}

/** The stats API's filters for a view (every filter is an `is`, combined with and). */
export const apiFilters = (view: View) => view.filters.map((f) => ['is', f.dimension, [f.value]]);
