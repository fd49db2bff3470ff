import { Charts } from './charts.js';
import { EventList } from './event-list.js';
import { useFeed } from './feed.js';
import { ProfileCard } from './profile-card.js';
import { dashboardUrl } from '../tracker.js';

/** What Tracklet stored, live: read through the demo's read-only API, never with a secret key. */
export function LivePanel() {
  const { feed, profile } = useFeed();
  return (
    <aside class="panel" data-testid="live-panel">
      <h2>Live: what the collector stored</h2>
      {dashboardUrl && (
        <p>
          <a href={dashboardUrl} data-testid="dashboard-link">
            Open the shop's stats dashboard →
          </a>
        </p>
      )}
      <ProfileCard profile={profile} />
      {feed ? (
        <>
          <Charts feed={feed} />
          <EventList feed={feed} />
        </>
      ) : (
        <p>Connecting…</p>
      )}
    </aside>
  );
}
