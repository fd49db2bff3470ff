import { normalizeEmail } from '../store/output.js';
import type { IdentityField, StoreTx } from '../store/store.js';

/** One fixed order, so two units never wait for each other's locks in opposite orders. */
const lockOrder: IdentityField[] = ['external_id', 'email', 'phone'];

/**
 * Locks the identities a unit is about to look up or give out (and the visitor's anonymous id), so collectors
 * sharing a database never create two contacts for one identity or split a visitor (StoreTx.lockIdentity).
 */
export async function lockIdentities(tx: StoreTx, accountId: number, identity: Partial<Record<IdentityField, string | null>>,
  anonymousId: string | null = null): Promise<void> {
  for (const key of identityLockKeys(identity, anonymousId)) await tx.lockIdentity(accountId, key);
}

/** The identities given, in lock order, as contacts are found by them: emails normalized. */
export function identitiesOf(identity: Partial<Record<IdentityField, string | null>>): Array<readonly [IdentityField, string]> {
  const found: Array<readonly [IdentityField, string]> = [];
  for (const field of lockOrder) {
    const value = identity[field];
    if (value) found.push([field, field === 'email' ? normalizeEmail(value) : value]);
  }
  return found;
}

/** The lock keys lockIdentities takes, in its order. */
export function identityLockKeys(identity: Partial<Record<IdentityField, string | null>>, anonymousId: string | null): string[] {
  const keys = identitiesOf(identity).map(([field, value]) => `${field}:${value}`);
  if (anonymousId) keys.push(`anonymous_id:${anonymousId}`);
  return keys;
}
