import { normalizeEmail } from './output.js';
import type { IdentityField } from './store.js';

/**
 * The identity fields in one fixed order, the caller's own id first: contacts are looked up by them in it
 * (pipeline/resolve-contact.ts, upsert-contact.ts), and their locks taken in it (lock-identities.ts), so two units
 * never wait for each other's locks in opposite orders.
 */
export const identityOrder: IdentityField[] = ['external_id', 'email', 'phone'];

/** An identity's value as contacts are found by it: an email normalized, the others as given. */
export const identityValue = (field: IdentityField, value: string): string =>
  field === 'email' ? normalizeEmail(value) : value;

/** The identities given (a contact's, or an event's), in identityOrder, their values as identityValue makes them. */
export function identitiesOf(
  identity: Partial<Record<IdentityField, string | null>>,
): Array<readonly [IdentityField, string]> {
  const found: Array<readonly [IdentityField, string]> = [];
  for (const field of identityOrder) {
    const value = identity[field];
    if (value) found.push([field, identityValue(field, value)]);
  }
  return found;
}
