import { identitiesOf } from '../store/identities.js';
import type { IdentityField, StoreTx } from '../store/store.js';

/**
 * Locks the identities a unit is about to look up or give out (and the visitor's anonymous id), so collectors
 * sharing a database never create two contacts for one identity or split a visitor (StoreTx.lockIdentity).
 */
export async function lockIdentities(
  tx: StoreTx,
  accountId: number,
  identity: Partial<Record<IdentityField, string | null>>,
  anonymousId: string | null = null,
): Promise<void> {
  for (const key of identityLockKeys(identitiesOf(identity), anonymousId)) await tx.lockIdentity(accountId, key);
}

/**
 * The lock keys lockIdentities takes, in its order: the identities as `identitiesOf` gives them (the caller may
 * need them too, so it computes them once), then the anonymous id.
 */
export function identityLockKeys(identities: ReturnType<typeof identitiesOf>, anonymousId: string | null): string[] {
  const keys = identities.map(([field, value]) => `${field}:${value}`);
  if (anonymousId) keys.push(`anonymous_id:${anonymousId}`);
  return keys;
}
