import type { StoredEvent } from '@tracklet/protocol';
import type { EventIdGenerator } from '../ids.js';
import type { ContactRecord, EventRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { orderIdOf } from './check-event-rules.js';
import type { PendingEvent } from './context.js';

/** Inserts the event (and, for a confirmation, claims its order id) in the writer's transaction. */
export async function persistEvent(
  tx: StoreTx,
  e: PendingEvent,
  contact: ContactRecord,
  ids: EventIdGenerator,
): Promise<StoredEvent> {
  // Every field written out, in the event columns' order (storedEventOf relies on it); no spread (see normalizeEvent).
  const record: EventRecord = {
    id: e.id ?? ids.next(e.receivedAt),
    account_id: e.accountId,
    contact_id: contact.id,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    session_id: e.sessionId,
    event: e.event,
    amount: e.amount,
    data: e.data,
    idempotency_key: e.idempotencyKey,
    request_hash: e.idempotencyKey ? e.requestHash : null,
    resource_uid: e.resource_uid,
    resource_name: e.resource_name,
    resource_url: e.resource_url,
    url: e.url,
    title: e.title,
    test: e.test,
    generated: false,
    chain_depth: 0,
    ip: e.ip,
    user_agent: e.user_agent,
    browser: e.browser,
    os: e.os,
    device_type: e.device_type,
    referrer: e.referrer,
    utm_source: e.utm.utm_source,
    utm_medium: e.utm.utm_medium,
    utm_term: e.utm.utm_term,
    utm_content: e.utm.utm_content,
    utm_campaign: e.utm.utm_campaign,
    click_ids: e.click_ids,
    country: e.country,
    occurred_at: e.occurredAt,
    created_at: e.receivedAt,
    updated_at: e.receivedAt,
  };
  const stored = await tx.insertEvent(record);
  if (e.event === 'confirmation') await tx.recordOrder(e.accountId, orderIdOf(e), record.id);
  return stored;
}
