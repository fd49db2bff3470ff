import type { AccountRecord, ContactRecord, EventRecord, KeyRecord } from '../records.js';
import { accountFromColumns, contactFromColumns, type DecodeJson } from '../row-mappers.js';

import { eventColumns } from '../records.js';

export { eventColumns };

type Row = Record<string, unknown>;
const json: DecodeJson = (text, fallback) => (typeof text === 'string' ? JSON.parse(text) : fallback);

/**
 * Positional parameters for an INSERT of every event column, in `eventColumns` order: JSON columns as text,
 * booleans as 0/1 (test/event-output.test.ts holds it to that order).
 */
export function eventParams(e: EventRecord): unknown[] {
  return [
    e.id,
    e.account_id,
    e.contact_id,
    e.user_id,
    e.anonymous_id,
    e.session_id,
    e.event,
    e.amount,
    JSON.stringify(e.data),
    e.idempotency_key,
    e.request_hash,
    e.resource_uid,
    e.resource_name,
    e.resource_url,
    e.url,
    e.title,
    e.test ? 1 : 0,
    e.generated ? 1 : 0,
    e.chain_depth,
    e.ip,
    e.user_agent,
    e.browser,
    e.os,
    e.device_type,
    e.referrer,
    e.utm_source,
    e.utm_medium,
    e.utm_term,
    e.utm_content,
    e.utm_campaign,
    e.click_ids && JSON.stringify(e.click_ids),
    e.country,
    e.occurred_at,
    e.created_at,
    e.updated_at,
  ];
}

export function eventFromRow(r: Row): EventRecord {
  return {
    ...(r as unknown as EventRecord),
    data: json(r.data, {}),
    click_ids: json(r.click_ids, null),
    test: r.test === 1,
    generated: r.generated === 1,
  };
}

export const contactFromRow = (r: Row): ContactRecord => contactFromColumns(r, json);

export const accountFromRow = (r: Row): AccountRecord => accountFromColumns(r, json);

export function keyFromRow(r: Row): KeyRecord {
  return { ...(r as unknown as KeyRecord), scopes: json(r.scopes, []) };
}
