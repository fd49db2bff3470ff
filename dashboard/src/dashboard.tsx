import { useState } from 'preact/hooks';
import type { Credential } from './credentials.js';
import { DatePicker } from './date-picker.js';
import { EmptyState } from './empty-state.js';
import { FiltersBar } from './filters-bar.js';
import { Breakdown } from './panels/breakdown.js';
import { Goals } from './panels/goals.js';
import { kpiQuery, Kpis } from './panels/kpis.js';
import { People } from './panels/people.js';
import { TopGraph } from './panels/top-graph.js';
import { Realtime } from './realtime.js';
import { PeriodsProvider, rangeKey, type ResolvedPeriods, useResolvedPeriodsState } from './resolved-period.js';
import { ShareLink } from './share-link.js';
import { useStats } from './use-stats.js';
import { useView } from './view.js';

const PAGES = [
  { label: 'Top pages', dimension: 'event:page' },
  { label: 'Entry', dimension: 'visit:entry_page' },
  { label: 'Exit', dimension: 'visit:exit_page' },
];
const SOURCES = [
  { label: 'Sources', dimension: 'visit:source' },
  { label: 'UTM source', dimension: 'visit:utm_source' },
  { label: 'Medium', dimension: 'visit:utm_medium' },
  { label: 'Campaign', dimension: 'visit:utm_campaign' },
];
const DEVICES = [
  { label: 'Devices', dimension: 'visit:device' },
  { label: 'Browsers', dimension: 'visit:browser' },
  { label: 'OS', dimension: 'visit:os' },
];

/** Every panel of one account, narrowed by the view's filters and period. */
export function Dashboard(props: { credential: Credential; onSignOut: () => void; visitorsNow: number | null }) {
  const periods = useResolvedPeriodsState();
  return (
    <PeriodsProvider value={periods}>
      <Panels {...props} resolved={periods.resolved} />
    </PeriodsProvider>
  );
}

function Panels({
  credential,
  onSignOut,
  visitorsNow,
  resolved,
}: {
  credential: Credential;
  onSignOut: () => void;
  visitorsNow: number | null;
  resolved: ResolvedPeriods;
}) {
  const [view, setView] = useView();
  const { zone } = resolved;
  const dates = resolved.dates[rangeKey(view.range)];
  const [people, setPeople] = useState<{ dimension: string; value: string } | null>(null);
  const now = useStats(credential, kpiQuery(view));
  // Only a period without visitors asks whether the account has any event at all (the empty state): on a busy
  // account that all-time count is a query less before the panels paint.
  const quiet = now.data !== null && (now.data.results[0]?.metrics[0] ?? 0) === 0;
  const ever = useStats(credential, quiet ? { metrics: ['events'], date_range: 'all' } : null);
  // Share links read aggregates only: the people behind a number need the owner's live key.
  const onPeople =
    credential.kind === 'key' ? (dimension: string, value: string) => setPeople({ dimension, value }) : undefined;
  const shared = { credential, view, setView };
  return (
    <div class="dashboard">
      <header class="top">
        <h1>Tracklet</h1>
        <Realtime credential={credential} first={visitorsNow} />
        <DatePicker view={view} setView={setView} />
        {/* The account's zone, as the server answered in it (not the browser's): days and hours are its. */}
        <span class="tz" data-time-zone={zone ?? ''}>
          Times in {zone ?? '…'}
        </span>
        {credential.kind === 'key' && (
          <>
            <ShareLink credential={credential} />
            <button type="button" class="link" onClick={onSignOut}>
              Sign out
            </button>
          </>
        )}
      </header>
      {ever.error && <p class="error">{ever.error}</p>}
      {ever.data && (ever.data.results[0]?.metrics[0] ?? 0) === 0 ? (
        <EmptyState />
      ) : (
        <main>
          <FiltersBar view={view} setView={setView} />
          <Kpis credential={credential} view={view} now={now} />
          <TopGraph {...shared} />
          <div class="grid">
            <Breakdown title="Pages" tabs={PAGES} {...shared} onPeople={onPeople} />
            <Breakdown title="Sources" tabs={SOURCES} {...shared} />
            <Breakdown title="Countries" tabs={[{ label: 'Countries', dimension: 'visit:country' }]} {...shared} />
            <Breakdown title="Devices" tabs={DEVICES} {...shared} />
          </div>
          <Goals {...shared} onPeople={onPeople} />
        </main>
      )}
      {people && (
        <People
          credential={credential}
          {...people}
          period={{ dates: view.range === 'all' ? null : (dates ?? null), zone: zone ?? 'UTC' }}
          onClose={() => setPeople(null)}
        />
      )}
    </div>
  );
}
