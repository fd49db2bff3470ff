import type { StoredEvent } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import type { EndpointCache } from '../webhooks/endpoint-cache.js';
import type { NewOutboxRow } from '../webhooks/delivery-rows.js';
import { mergedPayload } from '../webhooks/payload.js';

/**
 * Queues the stored event's webhooks (issue #21), in its transaction: one outbox row when an enabled endpoint of the
 * account subscribes to it, however many do (the worker fans it out to them), and a `contact.merged` one when this
 * event's login merged a visitor. Nothing else is ever queued: a discarded or replayed event never reaches this step.
 * An event's row has no body (''): the worker builds it from the stored event when it sends it
 * (webhooks/payload-reads.ts); a merge's, small and of this moment, is written here.
 */
export async function queueWebhooks(
  tx: StoreTx,
  endpoints: EndpointCache | undefined,
  event: StoredEvent,
  contact: ContactRecord,
  mergedContactId: number | null,
): Promise<void> {
  if (!endpoints || endpoints.hasNone(event.account_id)) return;
  const rows: NewOutboxRow[] = [];
  const now = endpoints.clock();
  const queue = async (type: string, payload: () => string) => {
    if ((await endpoints.matching(event.account_id, type)).length === 0) return;
    rows.push({
      account_id: event.account_id,
      contact_id: contact.id,
      event_id: type === 'contact.merged' ? null : event.id,
      type,
      payload: payload(),
      created_at: now,
    });
  };
  if (mergedContactId !== null) await queue('contact.merged', () => mergedPayload(contact, mergedContactId, now));
  await queue(event.event, () => '');
  if (rows.length > 0) await tx.queueWebhooks(rows);
}
