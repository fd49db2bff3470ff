import { TrackletError } from '../errors.js';
import { identityOrder } from '../store/identities.js';
import { blankContact, type ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import type { Identity, PendingEvent } from './context.js';
import { lockIdentities } from './lock-identities.js';
import { isAnonymous, mergeIdentity } from './merge-identity.js';

const hasIdentity = (i: Identity) => identityOrder.some((f) => i[f]);

/** A contact by id, following login merges to the contact that absorbed it. */
async function liveContact(tx: StoreTx, accountId: number, id: number): Promise<ContactRecord | null> {
  let contact = await tx.getContact(accountId, id);
  for (let hops = 0; contact?.merged_into && hops < 16; hops++)
    contact = await tx.getContact(accountId, contact.merged_into);
  return contact;
}

async function findKnown(tx: StoreTx, accountId: number, identity: Identity): Promise<ContactRecord | null> {
  for (const field of identityOrder) {
    const value = identity[field];
    const found = value ? await tx.findContactBy(accountId, field, value) : null;
    if (found) return found;
  }
  return null;
}

/** Gives the contact the identities it lacks, unless another contact already holds them. */
async function fillIdentity(tx: StoreTx, contact: ContactRecord, identity: Identity, now: number): Promise<void> {
  let changed = false;
  for (const field of identityOrder) {
    const value = identity[field];
    if (!value || contact[field] || (await tx.findContactBy(contact.account_id, field, value))) continue;
    contact[field] = value;
    changed = true;
  }
  if (changed) await tx.saveContact(contact, now);
}

/**
 * Every stored event has a contact (API.md "Contacts"). contact_id must exist; email / phone / external_id find a
 * contact or create one; an anonymous_id resolves through the identity map, creating an anonymous contact on first
 * sight. When an identified event arrives from an anonymous visitor, the visitor is identified: it takes the
 * identity when no contact has it yet, or is merged into the contact that has it (the login merge), which `onMerge`
 * is told of (the merged visitor's id: its `contact.merged` webhook).
 */
export async function resolveContact(
  tx: StoreTx,
  e: PendingEvent,
  onMerge?: (mergedId: number) => void,
): Promise<ContactRecord> {
  const now = e.receivedAt;
  const { accountId, identity } = e;
  await lockIdentities(tx, accountId, identity, e.anonymousId);
  const explicit = identity.contact_id !== undefined ? await liveContact(tx, accountId, identity.contact_id) : null;
  if (identity.contact_id !== undefined && !explicit) {
    throw new TrackletError('contact_not_found', `no contact ${identity.contact_id} in this account`, {
      path: 'contact_id',
    });
  }
  const mappedId = e.anonymousId ? await tx.contactIdForAnonymousId(accountId, e.anonymousId) : null;
  const visitor = explicit ?? (mappedId !== null ? await liveContact(tx, accountId, mappedId) : null);
  const known = hasIdentity(identity) ? await findKnown(tx, accountId, identity) : null;

  let target: ContactRecord;
  if (known) {
    if (visitor && visitor.id !== known.id && isAnonymous(visitor)) {
      await mergeIdentity(tx, visitor, known, now);
      onMerge?.(visitor.id);
    }
    target = known;
  } else if (visitor && (explicit || !hasIdentity(identity) || isAnonymous(visitor))) {
    target = visitor;
  } else {
    // No contact holds any of the identities (findKnown found none, under their locks): the new one takes them all.
    target = await tx.createContact(
      {
        ...blankContact(accountId),
        email: identity.email ?? null,
        phone: identity.phone ?? null,
        external_id: identity.external_id ?? null,
      },
      now,
    );
  }
  if (hasIdentity(identity)) await fillIdentity(tx, target, identity, now);
  if (e.anonymousId && mappedId !== target.id) await tx.linkAnonymousId(accountId, e.anonymousId, target.id, now);
  return target;
}
