import type { ContactProfile, EventSchemaSummary, StoredEvent } from '@tracklet/protocol';
import type { SqlDialect, SqlQuery } from '../stats/dialect.js';
import type { NewOutboxRow } from '../webhooks/delivery-rows.js';
import type { SqlPort } from '../webhooks/sql-port.js';
import type {
  AccountRecord,
  ContactFilter,
  ContactRecord,
  EventFilter,
  EventRecord,
  EventSchemaRecord,
  KeyRecord,
  NewContact,
  Page,
} from './records.js';

export type IdentityField = 'email' | 'phone' | 'external_id';

/**
 * What a unit of work will lock and look up in one account, declared before it runs. A store that pays a round trip
 * per statement (PostgreSQL) takes and reads all of them, for every unit of a transaction, in one statement; one
 * that does not (SQLite) never asks. The unit still asks for each lock and row itself.
 */
export interface Footprint {
  accountId: number;
  /** lockIdentity keys. */
  locks: string[];
  idempotencyKeys: string[];
  anonymousIds: string[];
  /** Identities the unit looks contacts up by (emails normalized), each under its lock in `locks`. */
  identities: Array<readonly [IdentityField, string]>;
}

/** A unit of work that declares ahead what it will lock and look up (the ingestion pipeline's units). */
export interface DeclaredWork<T> {
  run(tx: StoreTx): Promise<T>;
  /** Called at most once, and only by a store that reads ahead. */
  footprint(): Footprint[];
}

/** A unit of work for Store.write. */
export type Work<T> = ((tx: StoreTx) => Promise<T>) | DeclaredWork<T>;

/**
 * Reads and writes inside the writer's transaction. Every method sees the writes made before it in the same
 * transaction.
 */
export interface StoreTx {
  /**
   * Serializes, across collector processes sharing one database, the units that read and then write what `key`
   * names in this account (`email:…`, `anonymous_id:…`, `idempotency_key:…`, `order_id:…`): the lock is held until
   * the transaction commits. Call it before the reads it guards. A store with a single writer (SQLite) does nothing.
   */
  lockIdentity(accountId: number, key: string): Promise<void>;
  /** Runs `work` in a nested savepoint: when it throws, what it wrote is rolled back and the error rethrown. */
  inSavepoint<T>(work: () => Promise<T>): Promise<T>;
  findEventByIdempotencyKey(
    accountId: number,
    key: string,
  ): Promise<{ event: StoredEvent; requestHash: string | null } | null>;
  findOrder(accountId: number, orderId: string): Promise<number | null>;
  recordOrder(accountId: number, orderId: string, eventId: number): Promise<void>;
  /** Receive time (created_at, ms) of the contact's latest `email_open`, or null. */
  lastEmailOpenAt(accountId: number, contactId: number): Promise<number | null>;
  /** May come from a cache of committed schemas (which can lack newer properties) unless `fresh`. */
  getEventSchema(accountId: number, event: string, options?: { fresh?: boolean }): Promise<EventSchemaRecord | null>;
  putEventSchema(schema: EventSchemaRecord): Promise<void>;
  getContact(accountId: number, id: number): Promise<ContactRecord | null>;
  /** The live (not merged) contact with this identity; emails are compared case-insensitively. */
  findContactBy(accountId: number, field: IdentityField, value: string): Promise<ContactRecord | null>;
  contactIdForAnonymousId(accountId: number, anonymousId: string): Promise<number | null>;
  createContact(contact: NewContact, now: number): Promise<ContactRecord>;
  /** Writes back identity, attributes, touches and merged_into of a contact read in this transaction. */
  saveContact(contact: ContactRecord, now: number): Promise<void>;
  /** Points an anonymous id at a contact (inserting or re-pointing the identity map entry). */
  linkAnonymousId(accountId: number, anonymousId: string, contactId: number, now: number): Promise<void>;
  /** Moves every anonymous id and event of `fromId` to `intoId` (the login merge). */
  moveContactData(accountId: number, fromId: number, intoId: number, now: number): Promise<void>;
  insertEvent(event: EventRecord): Promise<StoredEvent>;
  /** Writes webhook outbox rows (issue #21), committed with the event they name or not at all. */
  queueWebhooks(rows: NewOutboxRow[]): Promise<void>;
  /** Erases a contact, its identities, its events and their order records. */
  deleteContact(accountId: number, id: number): Promise<boolean>;
  createAccount(account: Omit<AccountRecord, 'id'>): Promise<AccountRecord>;
  saveAccount(account: AccountRecord): Promise<void>;
  createKey(key: Omit<KeyRecord, 'id'>): Promise<KeyRecord>;
  revokeKey(id: number, now: number): Promise<boolean>;
}

/**
 * The store behind the collector: `write` plus reads, which see only committed data. `write` runs a unit of work in
 * the writer's transaction, which it shares with the units submitted meanwhile (group commit), and resolves only once
 * that transaction committed durably. A unit that refuses (throws a 4xx TrackletError) must do so before its first
 * write, or inside `tx.inSavepoint`: the transaction goes on without it. Any other error it throws undoes it alone:
 * it gets the error (a 503 when the store itself failed), and the other units run again without it.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  write<T>(work: Work<T>): Promise<T>;
  getEvent(accountId: number, id: number): Promise<StoredEvent | null>;
  /** A page of events, newest first; `total` counts the matches exactly unless `capped` (limits.maxExactCount). */
  listEvents(
    accountId: number,
    filter: EventFilter,
    page: Page,
  ): Promise<{ events: StoredEvent[]; total: number; capped: boolean }>;
  findEventIdByIdempotencyKey(accountId: number, key: string): Promise<number | null>;
  /** The event stored under this key and the hash of the request that stored it (log mode answers retries with it). */
  findEventByIdempotencyKey(
    accountId: number,
    key: string,
  ): Promise<{ event: StoredEvent; requestHash: string | null } | null>;
  /** The stored events among these ids, of any account (a log writer's check for messages it already committed). */
  getEventsByIds(ids: number[]): Promise<StoredEvent[]>;
  getContactProfile(accountId: number, id: number): Promise<ContactProfile | null>;
  listContacts(
    accountId: number,
    filter: ContactFilter,
    page: Page,
  ): Promise<{ contacts: ContactProfile[]; total: number }>;
  listEventSchemas(accountId: number): Promise<EventSchemaSummary[]>;
  getAccount(id: number): Promise<AccountRecord | null>;
  countAccounts(): Promise<number>;
  /** A number that moves whenever a key or account changes (read to validate cached authentication). */
  authVersion(): Promise<number>;
  findKeysByPrefix(prefix: string): Promise<KeyRecord[]>;
  /** Every key of an account (live and revoked), oldest first. */
  listKeys(accountId: number): Promise<KeyRecord[]>;
  /** The keys of a prefix with their accounts, read as of one auth version (auth-cache.ts). */
  findKeysWithAccounts?(prefix: string): Promise<Array<{ key: KeyRecord; account: AccountRecord | null }>>;
  /** The highest event id stored, so a restarted id generator never goes backwards. */
  maxEventId(): Promise<number>;
  /**
   * Stats API (issue #18): runs the read-only queries `build` writes in this store's SQL dialect (stats/), all on
   * one snapshot; one list of rows per query.
   */
  statsRows(build: (dialect: SqlDialect) => SqlQuery[]): Promise<Array<Array<Record<string, unknown>>>>;
  /** The stats' own writes (their daily rollups, stats/rollups.ts): the statements `build` writes, in one transaction. */
  statsWrite(build: (dialect: SqlDialect) => SqlQuery[]): Promise<void>;
  /** Outgoing webhooks' endpoints and deliveries (issue #21, webhooks/), apart from the ingestion pipeline. */
  readonly webhookSql: SqlPort;
  /** Throws when the store cannot serve (readiness). */
  ping(): Promise<void>;
  /** Finishes queued writes, then closes. */
  close(): Promise<void>;
}
