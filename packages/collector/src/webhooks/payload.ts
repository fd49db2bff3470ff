import type { StoredEvent } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';

/** The contact as a webhook names it: its id and identities. */
export const contactIdentities = (c: ContactRecord) => ({
  id: c.id,
  email: c.email,
  phone: c.phone,
  external_id: c.external_id,
});

/**
 * A webhook's body (README "Webhooks"), in the Standard Webhooks shape `{type, timestamp, data}`: for a stored event,
 * `type` is its name and `data` the event exactly as reads return it plus its contact's identities.
 */
export function eventPayload(event: StoredEvent, contact: ContactRecord, now: number): string {
  return JSON.stringify({
    type: event.event,
    timestamp: new Date(now).toISOString(),
    data: { event, contact: { ...contactIdentities(contact), anonymous_id: event.anonymous_id } },
  });
}

/** `contact.merged`: a login merged the visitor `mergedId` (now marked merged) into `contact`. */
export function mergedPayload(contact: ContactRecord, mergedId: number, now: number): string {
  return JSON.stringify({
    type: 'contact.merged',
    timestamp: new Date(now).toISOString(),
    data: { contact: contactIdentities(contact), merged_contact_id: mergedId },
  });
}
