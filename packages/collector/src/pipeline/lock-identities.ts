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
  for (const field of lockOrder) {
    const value = identity[field];
    if (value) await tx.lockIdentity(accountId, `${field}:${field === 'email' ? normalizeEmail(value) : value}`);
  }
  if (anonymousId) await tx.lockIdentity(accountId, `anonymous_id:${anonymousId}`);
}
