import { identitiesOf } from '../store/identities.js';
import type { Footprint } from '../store/store.js';
import { orderIdOf } from './check-event-rules.js';
import { idempotencyLockKey } from './check-idempotency.js';
import type { PendingEvent } from './context.js';
import { orderLockKey } from './dedupe-order.js';
import { identityLockKeys } from './lock-identities.js';

/**
 * Per account: the locks a unit's events will take, and the idempotency keys, anonymous ids and identities they will
 * look up (Store's Footprint), so a store that pays a round trip per statement (PostgreSQL) takes and reads them all
 * in one statement instead of four per event. The steps still ask for each lock and row; they then find them held.
 */
export function footprintOf(events: PendingEvent[]): Footprint[] {
  const byAccount = new Map<number, Footprint>();
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
