import type { ContactProfile, StoredEvent } from '@tracklet/protocol';
import { useState } from 'preact/hooks';
import { contact, eventsPage } from '../api.js';
import type { Credential } from '../credentials.js';
import { useLoad } from '../use-stats.js';
import { addDays, startOfLocalDay } from '@tracklet/protocol/zone-calendar';

/** The period's dates as the server resolved them, in the account's zone (null: all time). */
export interface PeriodBounds {
  dates: [string, string] | null;
  zone: string;
}

/** The period as the events listing's created_after / created_before: the account's days, not the browser's. */
function bounds({ dates, zone }: PeriodBounds): Record<string, string> {
  if (!dates) return {};
  const at = (date: string) => new Date(startOfLocalDay(zone, date)).toISOString();
  return { created_after: at(dates[0]), created_before: at(addDays(dates[1], 1)) };
}

const PAGES = 5;

/**
 * The contacts behind a goal (its events) or a page (its page views, matched by path over the latest 500), newest
 * first, at most 20: read through the public events and contacts APIs with the owner's live key.
 */
async function peopleBehind(c: Credential, dimension: string, value: string, period: PeriodBounds) {
  const event = dimension === 'event:name' ? value : 'page_view';
  const ids: number[] = [];
  let after: string | undefined;
  for (let page = 0; page < PAGES && ids.length < 20; page++) {
    const events = await eventsPage(c, {
      event,
      limit: '100',
      ...bounds(period),
      ...(after ? { after_id: after } : {}),
    });
    const hits = event === 'page_view' ? events.filter((e) => e.url && new URL(e.url).pathname === value) : events;
    for (const e of hits) if (!ids.includes(e.contact_id) && ids.length < 20) ids.push(e.contact_id);
    if (events.length < 100) break;
    after = String(events.at(-1)!.id);
  }
  return Promise.all(ids.map((id) => contact(c, id)));
}

const touch = (t: ContactProfile['first_touch']) =>
  t ? [t.utm_source, t.referrer, t.url].filter(Boolean).join(' · ') || 'direct' : '–';

function Timeline({ credential, id, zone }: { credential: Credential; id: number; zone: string }) {
  const events = useLoad(() => eventsPage(credential, { contact_id: String(id), limit: '50' }), `t${id}`);
  if (events.error) return <p class="error">{events.error}</p>;
  if (!events.data) return <p class="loading">Loading…</p>;
  return (
    <ol class="timeline">
      {events.data.map((e: StoredEvent) => (
        <li key={e.id}>
          <time>{new Date(e.occurred_at).toLocaleString(undefined, { timeZone: zone })}</time> <b>{e.event}</b>{' '}
          {e.url ?? ''}
        </li>
      ))}
    </ol>
  );
}

/** A dialog with the visitors behind a row, each with first and last touch and a timeline of their events. */
export function People(props: {
  credential: Credential;
  dimension: string;
  value: string;
  period: PeriodBounds;
  onClose: () => void;
}) {
  const { credential, dimension, value, period, onClose } = props;
  const people = useLoad(() => peopleBehind(credential, dimension, value, period), `${dimension}|${value}`);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div class="dialog" role="dialog" aria-modal="true" aria-label={`Visitors behind ${value}`}>
      <header>
        <h2>Visitors behind {value}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {people.error && <p class="error">{people.error}</p>}
      {people.loading && <p class="loading">Loading…</p>}
      {people.data?.length === 0 && <p class="empty">No visitors found.</p>}
      <ul class="people-list">
        {people.data?.map((p) => (
          <li key={p.id} data-contact={p.id}>
            <button type="button" class="row" onClick={() => setOpen(open === p.id ? null : p.id)}>
              <b>{p.email ?? p.external_id ?? `Anonymous visitor #${p.id}`}</b>
            </button>
            <div class="touches">
              First touch: {touch(p.first_touch)} — Last touch: {touch(p.last_touch)} — {p.event_count} events
            </div>
            {open === p.id && <Timeline credential={credential} id={p.id} zone={period.zone} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
