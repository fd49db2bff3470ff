import type { StoredEvent } from '@tracklet/protocol';
import type { ClaimedDelivery } from './delivery-queue.js';
import { type ContactIdentities, eventPayload } from './payload.js';
import type { SqlPort } from './sql-port.js';

/**
 * What a delivery's body is built from when it is sent (issue #21): the outbox row of a stored event carries no body,
 * only the event's id, so ingest writes ~100 bytes per endpoint instead of the ~1 KB body (the largest part of what
 * webhooks cost ingest, issue #21's bench). Read on the worker's own connection where it has one (the delivery thread).
 */
export interface PayloadReads {
  /** The events, as every read returns them; a deleted one is missing. */
  events(ids: number[]): Promise<StoredEvent[]>;
  contacts(ids: number[]): Promise<ContactIdentities[]>;
}

const contactsSql = {
  sqlite: 'SELECT id, email, phone, external_id FROM contacts WHERE id IN (SELECT value FROM json_each(?))',
  postgres:
    'SELECT id, email, phone, external_id FROM contacts WHERE id IN (SELECT json_array_elements_text(?::json)::bigint)',
};

/** Contacts' identities through the webhooks' SQL (either store). */
export const contactsVia =
  (sql: Pick<SqlPort, 'dialect' | 'read'>) =>
  async (ids: number[]): Promise<ContactIdentities[]> =>
    ids.length === 0
      ? []
      : (await sql.read(contactsSql[sql.dialect], [JSON.stringify(ids)])).map((row) => ({
          id: Number(row.id),
          email: (row.email as string | null) ?? null,
          phone: (row.phone as string | null) ?? null,
          external_id: (row.external_id as string | null) ?? null,
        }));

/** The reason a delivery whose event was deleted before it was sent fails without an attempt on the wire. */
export const eventGone = 'the event was deleted before delivery: nothing sent';

/**
 * Sets the body of each claimed delivery that has none yet (an event's, queued without one): the event as reads
 * return it now, its contact's identities, and the time it was queued. Answers the deliveries whose event is gone
 * (deleted with its contact, say): they are not sent.
 */
export async function fillPayloads(claimed: ClaimedDelivery[], reads: PayloadReads): Promise<ClaimedDelivery[]> {
  const bare = claimed.filter((d) => d.payload === '' && d.event_id !== null);
  if (bare.length === 0) return [];
  const events = new Map(
    (await reads.events([...new Set(bare.map((d) => d.event_id!))])).map((e) => [e.id, e] as const),
  );
  const contactIds = [...new Set([...events.values()].map((e) => e.contact_id))];
  const contacts = new Map((await reads.contacts(contactIds)).map((c) => [c.id, c] as const));
  const gone: ClaimedDelivery[] = [];
  for (const d of bare) {
    const event = events.get(d.event_id!);
    const contact = event && contacts.get(event.contact_id);
    if (event && contact) d.payload = eventPayload(event, contact, d.created_at);
    else gone.push(d);
  }
  return gone;
}
