import { useState } from 'preact/hooks';
import type { DateRange, Preset, View } from './view.js';

const PRESETS: Array<[Preset, string]> = [
  ['day', 'Today'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['month', 'This month'],
  ['12mo', 'Last 12 months'],
  ['all', 'All time'],
];

/** The period: a preset, or a custom pair of dates. */
export function DatePicker({ view, setView }: { view: View; setView: (v: View) => void }) {
  const custom = Array.isArray(view.range) ? view.range : null;
  const [from, setFrom] = useState(custom?.[0] ?? '');
  const [to, setTo] = useState(custom?.[1] ?? '');
  const pick = (range: DateRange) => setView({ ...view, range });
  return (
    <div class="date-picker">
      <label for="range">Period</label>
      <select
        id="range"
        value={custom ? 'custom' : (view.range as string)}
        onChange={(e) => e.currentTarget.value !== 'custom' && pick(e.currentTarget.value as Preset)}
      >
        {PRESETS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      <form
        class="custom-range"
        onSubmit={(e) => {
          e.preventDefault();
          if (from && to) pick(from <= to ? [from, to] : [to, from]);
        }}
      >
        <input aria-label="From" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        <input aria-label="To" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        <button type="submit">Apply</button>
      </form>
    </div>
  );
}
