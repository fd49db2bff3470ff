import { limits } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { Discarded, type PendingEvent } from './context.js';

/** At most one `email_open` per contact per 20 minutes of receive time; the others are discarded. */
export async function throttleEmailOpen(tx: StoreTx, event: PendingEvent, contact: ContactRecord): Promise<void> {
  if (event.event !== 'email_open') return;
  const last = await tx.lastEmailOpenAt(event.accountId, contact.id);
  if (last !== null && event.receivedAt - last < limits.emailOpenWindowMs) throw new Discarded('throttled');
}
