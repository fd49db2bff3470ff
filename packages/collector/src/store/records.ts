import type { KeyType, PropertyType, PropertyValue, RateLimit, Scope } from '@tracklet/protocol';

/** Where a visitor came from, as stored on a contact (times in epoch ms). */
export interface TouchRecord {
  utm_source: string | null;
  utm_medium: string | null;
  utm_term: string | null;
  utm_content: string | null;
  utm_campaign: string | null;
  referrer: string | null;
  url: string | null;
  click_ids: Record<string, string> | null;
  at: number;
}

export interface ContactRecord {
  id: number;
  account_id: number;
  email: string | null;
  phone: string | null;
  external_id: string | null;
  attributes: Record<string, PropertyValue>;
  first_touch: TouchRecord | null;
  last_touch: TouchRecord | null;
  merged_into: number | null;
  created_at: number;
  updated_at: number;
}

export type NewContact = Pick<
  ContactRecord,
  'account_id' | 'email' | 'phone' | 'external_id' | 'attributes' | 'first_touch' | 'last_touch'
>;

/** An event ready to insert: every stored field, times in epoch ms. */
export interface EventRecord {
  id: number;
  account_id: number;
  contact_id: number;
  user_id: number | null;
  anonymous_id: string | null;
  session_id: string | null;
  event: string;
  amount: number | null;
  data: Record<string, PropertyValue>;
  idempotency_key: string | null;
  request_hash: string | null;
  resource_uid: string | null;
  resource_name: string | null;
  resource_url: string | null;
  url: string | null;
  title: string | null;
  test: boolean;
  generated: boolean;
  chain_depth: number;
  ip: string | null;
  user_agent: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_term: string | null;
  utm_content: string | null;
  utm_campaign: string | null;
  click_ids: Record<string, string> | null;
  /** ISO 3166-1 alpha-2, from the IP (issue #18). */
  country: string | null;
  occurred_at: number;
  created_at: number;
  updated_at: number;
}

/** Every stored column of an event, in table order (the order reads return the fields in). */
export const eventColumns = [
  'id',
  'account_id',
  'contact_id',
  'user_id',
  'anonymous_id',
  'session_id',
  'event',
  'amount',
  'data',
  'idempotency_key',
  'request_hash',
  'resource_uid',
  'resource_name',
  'resource_url',
  'url',
  'title',
  'test',
  'generated',
  'chain_depth',
  'ip',
  'user_agent',
  'browser',
  'os',
  'device_type',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_term',
  'utm_content',
  'utm_campaign',
  'click_ids',
  'country',
  'occurred_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof EventRecord)[];

export interface EventSchemaRecord {
  account_id: number;
  event: string;
  properties: Record<string, PropertyType>;
  first_seen: number;
  last_seen: number;
}

export interface AccountRecord {
  id: number;
  name: string;
  /** Empty = any origin. */
  allowed_origins: string[];
  /** null = no restriction. */
  allowed_events: string[] | null;
  /** Requests per minute; a null budget is the server's default. */
  rate_limit: RateLimit;
  /** IANA name: the stats' zone when a query names none (issue #19). */
  timezone: string;
  created_at: number;
  updated_at: number;
}

export interface KeyRecord {
  id: number;
  account_id: number;
  type: KeyType;
  prefix: string;
  hash: string;
  scopes: Scope[];
  created_at: number;
  revoked_at: number | null;
}

/** Filters of an event listing; every one is optional and they combine with AND. */
export interface EventFilter {
  event?: string;
  contact_id?: number;
  anonymous_id?: string;
  created_after?: number;
  created_before?: number;
  resource_uid?: string;
  resource_name?: string;
  test?: boolean;
  /** Cursor: only ids below this one. */
  after_id?: number;
}

export interface ContactFilter {
  email?: string;
  phone?: string;
  external_id?: string;
}

export interface Page {
  limit: number;
  offset: number;
}

/** An account's budgets when none was set: the server's defaults. */
export const noRateLimit: RateLimit = { api_per_minute: null, beacons_per_minute: null };

/** A contact with nothing known yet. */
export const blankContact = (accountId: number): NewContact => ({
  account_id: accountId,
  email: null,
  phone: null,
  external_id: null,
  attributes: {},
  first_touch: null,
  last_touch: null,
});

/** The most matches a listing counts for this page: exact up to this, "at least this many" beyond it. */
export function countCap(page: Page, maxExactCount: number): number {
  return Math.max(maxExactCount, page.offset + page.limit);
}
