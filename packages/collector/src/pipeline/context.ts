import type { DiscardReason, KeyType, PropertyValue, Scope, StoredEvent } from '@tracklet/protocol';
import type { EventIdGenerator } from '../ids.js';
import type { Metrics } from '../metrics.js';
import type { AccountRecord, TouchRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { EndpointCache } from '../webhooks/endpoint-cache.js';
import type { IpLocator } from './enrich-country.js';
import type { UserAgentParser } from './enrich-user-agent.js';

/** Who is calling: the account and what the credential may do. */
export interface Auth {
  account: AccountRecord;
  /** The API key's id (null for JWTs); stored as the event's `user_id` for server-API writes. */
  keyId: number | null;
  kind: KeyType | 'jwt';
  scopes: Scope[];
  /** tk_test_ keys: every event written is a test event, and reads see only test events. */
  test: boolean;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
  receivedAt: number;
}

export interface PipelineDeps {
  store: Store;
  ids: EventIdGenerator;
  userAgents: UserAgentParser;
  /** Country from the IP, and the IP as TRACKLET_IP keeps it (issue #18); absent: the IP as given, no country. */
  locate?: IpLocator;
  metrics: Metrics;
  jwtSecret: string | null;
  /** Told of every discarded event (they are not stored); the demo's live panel listens. */
  onDiscard?: (accountId: number, event: string, reason: DiscardReason) => void;
  /** The accounts' webhook endpoints (issue #21); absent: no webhooks are queued. */
  webhookEndpoints?: EndpointCache;
}

export interface Identity {
  contact_id?: number;
  email?: string;
  phone?: string;
  external_id?: string;
}

/** An event that passed the stateless steps and waits for the writer: every stored field but the ids. */
export interface PendingEvent {
  /**
   * The event id when it was assigned before the writer (log mode: the collector that accepted the event, so ids
   * stay unique and time-ordered across instances and a redelivered message keeps its id); absent: the writer assigns.
   */
  id?: number;
  source: 'api' | 'beacon';
  accountId: number;
  userId: number | null;
  event: string;
  identity: Identity;
  anonymousId: string | null;
  sessionId: string | null;
  /** Attributes to set on the contact (null values remove). */
  contactAttributes: Record<string, PropertyValue> | null;
  idempotencyKey: string | null;
  requestHash: string;
  amount: number | null;
  data: Record<string, PropertyValue>;
  resource_uid: string | null;
  resource_name: string | null;
  resource_url: string | null;
  url: string | null;
  title: string | null;
  referrer: string | null;
  utm: Record<'utm_source' | 'utm_medium' | 'utm_term' | 'utm_content' | 'utm_campaign', string | null>;
  click_ids: Record<string, string> | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  test: boolean;
  occurredAt: number;
  receivedAt: number;
  /** The tracker's own record of the visitor's first and last touch. */
  firstTouch: TouchRecord | null;
  lastTouch: TouchRecord | null;
}

export type Outcome =
  | { status: 'created' | 'duplicate'; event: StoredEvent }
  | { status: 'discarded'; reason: DiscardReason; event: string; order_id?: string };

/** Thrown inside the writer to drop an event without storing it (its savepoint is rolled back). */
export class Discarded extends Error {
  constructor(
    readonly reason: DiscardReason,
    readonly orderId?: string,
  ) {
    super(`discarded: ${reason}`);
  }
}

/** Events the contract reserves; an account's allowed-events list never blocks them. */
export const reservedEvents = new Set(['page_view', 'login', 'update', 'logout', 'confirmation', 'email_open']);
