import type { ContactProfile, StoredEvent } from '@tracklet/protocol';
import { useState } from 'preact/hooks';
import { contact, eventsPage } from '../api.js';
import type { Credential } from '../credentials.js';
import { useLoad } from '../use-stats.js';
import type { DateRange } from '../view.js';

const DAY = 86_400_000;

/** The range as the events listing's created_after / created_before. */
function bounds(range: DateRange): Record<string, string> {
  const now = new Date();
  if (Array.isArray(range))
    return { created_after: range[0], created_before: new Date(Date.parse(range[1]) + DAY).toISOString() };
  const start: Record<string, number> = {
    day: new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime(),
    '7d': now.getTime() - 7 * DAY,
    '30d': now.getTime() - 30 * DAY,
    month: new Date(now.getFullYear(), now.getMonth(), 1).getTime(),
    '12mo': now.getTime() - 365 * DAY,
  };
  return range in start ? { created_after: new Date(start[range]!).toISOString() } : {};
}

const PAGES = 5;

/**
 * The contacts behind a goal (its events) or a page (its page views, matched by path over the latest 500), newest
 * first, at most 20: read through the public events and contacts APIs with the owner's live key.
 */
async function peopleBehind(c: Credential, dimension: string, value: string, range: DateRange) {
  const event = dimension === 'event:name' ? value : 'page_view';
  const ids: number[] = [];
  let after: string | undefined;
  for (let page = 0; page < PAGES && ids.length < 20; page++) {
    const events = await eventsPage(c, {
      event,
      limit: '100',
      ...bounds(range),
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

function Timeline({ credential, id }: { credential: Credential; id: number }) {
  const events = useLoad(() => eventsPage(credential, { contact_id: String(id), limit: '50' }), `t${id}`);
  if (events.error) return <p class="error">{events.error}</p>;
  if (!events.data) return <p class="loading">Loading…</p>;
  return (
    <ol class="timeline">
      {events.data.map((e: StoredEvent) => (
        <li key={e.id}>
          <time>{new Date(e.occurred_at).toLocaleString()}</time> <b>{e.event}</b> {e.url ?? ''}
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
  range: DateRange;
  onClose: () => void;
}) {
  const { credential, dimension, value, range, onClose } = props;
  const people = useLoad(() => peopleBehind(credential, dimension, value, range), `${dimension}|${value}`);
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
            {open === p.id && <Timeline credential={credential} id={p.id} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
