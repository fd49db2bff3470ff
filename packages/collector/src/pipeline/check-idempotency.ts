import type { StoredEvent } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { StoreTx } from '../store/store.js';
import type { PendingEvent } from './context.js';

/**
 * The event already stored under this idempotency key (a replay), or null. The same key with another body is a
 * 409: the key names one request, not one event name. Runs inside the writer, so concurrent identical requests
 * see each other's writes; the key's lock does the same for collectors sharing one database.
 */
export async function checkIdempotency(tx: StoreTx, event: PendingEvent): Promise<StoredEvent | null> {
  if (!event.idempotencyKey) return null;
  await tx.lockIdentity(event.accountId, idempotencyLockKey(event.idempotencyKey));
  const found = await tx.findEventByIdempotencyKey(event.accountId, event.idempotencyKey);
  if (!found) return null;
  if (found.requestHash !== event.requestHash) {
    throw new TrackletError('idempotency_conflict', 'this idempotency key was used with a different body', {
      path: 'idempotency_key',
    });
  }
  return found.event;
}

/** The lock that serializes the units using one idempotency key (StoreTx.lockIdentity). */
export const idempotencyLockKey = (key: string) => `idempotency_key:${key}`;
