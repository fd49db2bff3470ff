import type { ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { earlier, later } from './touches.js';

/** A contact nobody has identified yet (no email, phone or external id). */
export const isAnonymous = (c: ContactRecord) => !c.email && !c.phone && !c.external_id;

/**
 * The login merge (API.md "Reserved events", login): the anonymous contact's ids and past events move to the known
 * contact, attributes combine with the known contact's values winning (the login's own attributes are applied
 * after, by updateContact, and win over both), and the anonymous contact is marked merged.
 */
export async function mergeIdentity(
  tx: StoreTx,
  anonymous: ContactRecord,
  known: ContactRecord,
  now: number,
): Promise<void> {
  known.attributes = { ...anonymous.attributes, ...known.attributes };
  known.first_touch = earlier(known.first_touch, anonymous.first_touch);
  known.last_touch = later(known.last_touch, anonymous.last_touch);
  await tx.moveContactData(known.account_id, anonymous.id, known.id, now);
  anonymous.merged_into = known.id;
  await tx.saveContact(anonymous, now);
  await tx.saveContact(known, now);
}
