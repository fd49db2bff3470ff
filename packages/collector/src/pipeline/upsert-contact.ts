import type { ContactUpsert } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { identityOrder, identityValue } from '../store/identities.js';
import { blankContact, type ContactRecord } from '../store/records.js';
import type { IdentityField, StoreTx } from '../store/store.js';
import { lockIdentities } from './lock-identities.js';
import { applyAttributes } from './update-contact.js';

const sameIdentity = (field: IdentityField, a: string | null, b: string | null) =>
  a === b || (a !== null && b !== null && identityValue(field, a) === identityValue(field, b));

async function findTarget(tx: StoreTx, accountId: number, input: ContactUpsert): Promise<ContactRecord | null> {
  if (input.id !== undefined) {
    const byId = await tx.getContact(accountId, input.id);
    if (!byId) throw new TrackletError('contact_not_found', `no contact ${input.id} in this account`, { path: 'id' });
    return byId;
  }
  for (const field of identityOrder) {
    const value = input[field];
    const found = value ? await tx.findContactBy(accountId, field, value) : null;
    if (found) return found;
  }
  return null;
}

/**
 * `POST /v1/contacts`: update the contact named by id (or found by external_id, email, phone), else create it.
 * Identity fields given are set (null clears one); one that another contact holds is a 409 contact_conflict.
 */
export async function upsertContact(tx: StoreTx, accountId: number, input: ContactUpsert, now: number) {
  await lockIdentities(tx, accountId, input);
  const found = await findTarget(tx, accountId, input);
  const contact = found ?? (await tx.createContact(blankContact(accountId), now));
  for (const field of identityOrder) {
    const value = input[field];
    if (value === undefined || sameIdentity(field, value, contact[field])) continue;
    const holder = value === null ? null : await tx.findContactBy(accountId, field, value);
    if (holder && holder.id !== contact.id) {
      throw new TrackletError('contact_conflict', `contact ${holder.id} already has this ${field}`, { path: field });
    }
    contact[field] = value;
  }
  if (input.attributes) contact.attributes = applyAttributes(contact.attributes, input.attributes);
  await tx.saveContact(contact, now);
  return { id: contact.id, created: !found };
}
