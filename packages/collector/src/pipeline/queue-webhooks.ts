import type { StoredEvent } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import type { EndpointCache } from '../webhooks/endpoint-cache.js';
import type { NewDelivery } from '../webhooks/delivery-rows.js';
import { mergedPayload } from '../webhooks/payload.js';

/**
 * Queues the stored event's webhooks (issue #21), in its transaction: one outbox row per enabled endpoint of the
 * account that subscribes to it, and a `contact.merged` one when this event's login merged a visitor. Nothing else is
 * ever queued: a discarded or replayed event never reaches this step. An event's row has no body (''): the worker
 * builds it from the stored event when it sends it (webhooks/payload-reads.ts); a merge's, small and of this moment,
 * is written here.
 */
export async function queueWebhooks(
  tx: StoreTx,
  endpoints: EndpointCache | undefined,
  event: StoredEvent,
  contact: ContactRecord,
  mergedContactId: number | null,
): Promise<void> {
  if (!endpoints || endpoints.hasNone(event.account_id)) return;
  const deliveries: NewDelivery[] = [];
  const now = Date.now();
  const queue = async (type: string, payload: () => string) => {
    const matching = await endpoints.matching(event.account_id, type);
    if (matching.length === 0) return;
    const body = payload();
    for (const endpoint of matching)
      deliveries.push({
        endpoint_id: endpoint.id,
        account_id: event.account_id,
        contact_id: contact.id,
        event_id: type === 'contact.merged' ? null : event.id,
        type,
        payload: body,
        created_at: now,
      });
  };
  if (mergedContactId !== null) await queue('contact.merged', () => mergedPayload(contact, mergedContactId, now));
  await queue(event.event, () => '');
  if (deliveries.length > 0) await tx.queueWebhooks(deliveries);
}
