import type { StoreTx } from '../store/store.js';
import { orderIdOf } from './check-event-rules.js';
import { Discarded, type PendingEvent } from './context.js';

/** A second `confirmation` with an order id already seen in the account is discarded; the first stays. */
export async function dedupeOrder(tx: StoreTx, event: PendingEvent): Promise<void> {
  if (event.event !== 'confirmation') return;
  const orderId = orderIdOf(event);
  // Held until commit, so another collector's confirmation of this order waits, then sees this one.
  await tx.lockIdentity(event.accountId, orderLockKey(orderId));
  if ((await tx.findOrder(event.accountId, orderId)) !== null) throw new Discarded('duplicate_order', orderId);
}

/** The lock that serializes the confirmations of one order id (StoreTx.lockIdentity). */
export const orderLockKey = (orderId: string) => `order_id:${orderId}`;
