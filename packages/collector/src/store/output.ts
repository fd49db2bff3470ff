import type { ContactProfile, StoredEvent, Touch } from '@tracklet/protocol';
import type { ContactRecord, EventRecord, TouchRecord } from './records.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `iso`, remembering its last answer: the events of one request share their receive time (created_at, updated_at)
 * and mostly their occurred_at, so most conversions repeat the one before.
 */
function lastIso(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastText = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastText = iso(ms);
      lastMs = ms;
    }
    return lastText;
  };
}
const occurredIso = lastIso();
const createdIso = lastIso();
const updatedIso = lastIso();

/**
 * The stored event every read returns (API.md "Stored event"), from a backend-neutral record: its fields in the
 * record's order without request_hash, then the three times as ISO-8601.
 */
export function toStoredEvent(e: EventRecord): StoredEvent {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (key !== 'request_hash' && key !== 'occurred_at' && key !== 'created_at' && key !== 'updated_at')
      fields[key] = e[key as keyof EventRecord];
  }
  fields.occurred_at = occurredIso(e.occurred_at);
  fields.created_at = createdIso(e.created_at);
  fields.updated_at = updatedIso(e.updated_at);
  return fields as unknown as StoredEvent;
}

/**
 * `toStoredEvent` of a record whose fields are exactly the event columns, in their order (`eventColumns`, as
 * persist-event.ts builds them): the same object, built in one step.
 */
export function storedEventOf(e: EventRecord): StoredEvent {
  return {
    id: e.id,
    account_id: e.account_id,
    contact_id: e.contact_id,
    user_id: e.user_id,
    anonymous_id: e.anonymous_id,
    session_id: e.session_id,
    event: e.event,
    amount: e.amount,
    data: e.data,
    idempotency_key: e.idempotency_key,
    resource_uid: e.resource_uid,
    resource_name: e.resource_name,
    resource_url: e.resource_url,
    url: e.url,
    title: e.title,
    test: e.test,
    generated: e.generated,
    chain_depth: e.chain_depth,
    ip: e.ip,
    user_agent: e.user_agent,
    browser: e.browser,
    os: e.os,
    device_type: e.device_type,
    referrer: e.referrer,
    utm_source: e.utm_source,
    utm_medium: e.utm_medium,
    utm_term: e.utm_term,
    utm_content: e.utm_content,
    utm_campaign: e.utm_campaign,
    click_ids: e.click_ids,
    country: e.country,
    occurred_at: occurredIso(e.occurred_at),
    created_at: createdIso(e.created_at),
    updated_at: updatedIso(e.updated_at),
  };
}

export function toTouch(t: TouchRecord | null): Touch | null {
  return t && { ...t, at: iso(t.at) };
}

export interface ContactStats {
  event_count: number;
  first_seen: number | null;
  last_seen: number | null;
}

export function toContactProfile(c: ContactRecord, anonymousIds: string[], stats: ContactStats): ContactProfile {
  return {
    id: c.id,
    email: c.email,
    phone: c.phone,
    external_id: c.external_id,
    attributes: c.attributes,
    anonymous_ids: anonymousIds,
    first_touch: toTouch(c.first_touch),
    last_touch: toTouch(c.last_touch),
    first_seen: stats.first_seen === null ? null : iso(stats.first_seen),
    last_seen: stats.last_seen === null ? null : iso(stats.last_seen),
    event_count: stats.event_count,
    merged_into: c.merged_into,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

/** Emails are trimmed and compared case-insensitively (API.md "Contacts"). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
