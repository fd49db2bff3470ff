import type { ContactProfile, StoredEvent, Touch } from '@tracklet/protocol';
import type { ContactRecord, EventRecord, TouchRecord } from './records.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The stored event every read returns (API.md "Stored event"), from a backend-neutral record. */
export function toStoredEvent(e: EventRecord): StoredEvent {
  const { request_hash: _hash, occurred_at, created_at, updated_at, ...fields } = e;
  return { ...fields, occurred_at: iso(occurred_at), created_at: iso(created_at), updated_at: iso(updated_at) };
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
