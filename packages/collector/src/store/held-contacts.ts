import type { ContactRecord } from './records.js';

/**
 * One record per contact per transaction, in `held` by `account:id` (both adapters' transactions keep one): every
 * change to a contact is made on its record and saved, so a second record of the same contact, read before, would be
 * stale. Returns the record already held for this contact, else holds and returns `contact`.
 */
export function holdContact(held: Map<string, ContactRecord>, contact: ContactRecord): ContactRecord {
  const key = `${contact.account_id}:${contact.id}`;
  const known = held.get(key);
  if (known) return known;
  held.set(key, contact);
  return contact;
}
