import { identitiesOf } from '../store/identities.js';
import type { StoreTx, UnitReads } from '../store/store.js';
import { orderIdOf } from './check-event-rules.js';
import { idempotencyLockKey } from './check-idempotency.js';
import type { PendingEvent } from './context.js';
import { orderLockKey } from './dedupe-order.js';
import { identityLockKeys } from './lock-identities.js';

/**
 * Tells the store, before a unit's events run, every lock they will take and every idempotency key, anonymous id and
 * identity (email, phone, external id) they will look up, so a store that pays a round trip per statement
 * (PostgreSQL) takes them all in one statement instead of four per event. The group committer normally does this
 * for all units of a transaction at once (UnitOptions.reads); then this call finds everything held and sends
 * nothing. The steps still ask for each lock and row; they then find them held.
 */
export async function prepareUnit(tx: StoreTx, events: PendingEvent[]): Promise<void> {
  if (tx.prepare) await tx.prepare(unitReadsOf(events));
}

/** Per account: the locks a unit's events take, and the idempotency keys, anonymous ids and identities they look up. */
export function unitReadsOf(events: PendingEvent[]): UnitReads[] {
  const byAccount = new Map<number, UnitReads>();
  for (const e of events) {
    let reads = byAccount.get(e.accountId);
    if (!reads)
      byAccount.set(
        e.accountId,
        (reads = { accountId: e.accountId, locks: [], idempotencyKeys: [], anonymousIds: [], identities: [] }),
      );
    if (e.idempotencyKey) {
      reads.locks.push(idempotencyLockKey(e.idempotencyKey));
      reads.idempotencyKeys.push(e.idempotencyKey);
    }
    if (e.event === 'confirmation') reads.locks.push(orderLockKey(orderIdOf(e)));
    const identities = identitiesOf(e.identity);
    reads.locks.push(...identityLockKeys(identities, e.anonymousId));
    if (e.anonymousId) reads.anonymousIds.push(e.anonymousId);
    reads.identities.push(...identities);
  }
  return [...byAccount.values()];
}
