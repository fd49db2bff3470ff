import type { StoredEvent } from '@tracklet/protocol';
import type { Feed } from './feed.js';

const time = (iso: string) => new Date(iso).toLocaleTimeString();
const utm = (e: StoredEvent) => [e.utm_source, e.utm_medium, e.utm_campaign].filter(Boolean).join(' / ');

export function EventList({ feed }: { feed: Feed }) {
  return (
    <div>
      <h3>
        Stored events <small>({feed.total})</small>
      </h3>
      <table class="events" data-testid="event-table">
        <thead>
          <tr>
            <th>time</th>
            <th>event</th>
            <th>contact</th>
            <th>anonymous id</th>
            <th>utm</th>
            <th>browser · os · device</th>
          </tr>
        </thead>
        <tbody>
          {feed.events.slice(0, 40).map((e) => (
            <tr key={e.id} data-event={e.event}>
              <td>{time(e.created_at)}</td>
              <td>
                <code>{e.event}</code>
              </td>
              <td>{e.contact_id}</td>
              <td title={e.anonymous_id ?? ''}>{e.anonymous_id?.slice(0, 8)}</td>
              <td>{utm(e)}</td>
              <td>{[e.browser, e.os, e.device_type].filter(Boolean).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {feed.discarded.length > 0 && (
        <>
          <h3>Discarded</h3>
          <ul class="discarded" data-testid="discarded">
            {feed.discarded.slice(0, 10).map((d) => (
              <li key={d.at + d.event}>
                {time(d.at)} <code>{d.event}</code> — {d.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
