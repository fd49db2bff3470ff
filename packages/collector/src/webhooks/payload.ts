import type { StoredEvent } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';

/** The contact as a webhook names it: its id and identities. */
export type ContactIdentities = Pick<ContactRecord, 'id' | 'email' | 'phone' | 'external_id'>;

export const contactIdentities = (c: ContactIdentities): ContactIdentities => ({
  id: c.id,
  email: c.email,
  phone: c.phone,
  external_id: c.external_id,
});

/**
 * A webhook's body (README "Webhooks"), in the Standard Webhooks shape `{type, timestamp, data}`: for a stored event,
 * `type` is its name and `data` the event exactly as reads return it plus its contact's identities; `timestamp` is
 * when the webhook was queued (the same on every attempt).
 */
export function eventPayload(event: StoredEvent, contact: ContactIdentities, queuedAt: number): string {
  return JSON.stringify({
    type: event.event,
    timestamp: new Date(queuedAt).toISOString(),
    data: { event, contact: { ...contactIdentities(contact), anonymous_id: event.anonymous_id } },
  });
}

/** `contact.merged`: a login merged the visitor `mergedId` (now marked merged) into `contact`. */
export function mergedPayload(contact: ContactIdentities, mergedId: number, queuedAt: number): string {
  return JSON.stringify({
    type: 'contact.merged',
    timestamp: new Date(queuedAt).toISOString(),
    data: { contact: contactIdentities(contact), merged_contact_id: mergedId },
  });
}
