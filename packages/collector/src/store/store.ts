import type { ContactProfile, EventSchemaSummary, StoredEvent } from '@tracklet/protocol';
import type { SqlDialect, SqlQuery } from '../stats/dialect.js';
import type { UnitOptions } from './group-commit.js';
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

/** What a unit's events will lock and look up in one account (StoreTx.prepare). */
export interface UnitReads {
  accountId: number;
  /** lockIdentity keys. */
  locks: string[];
  idempotencyKeys: string[];
  anonymousIds: string[];
  /** Identities the units look contacts up by (emails normalized), each under its lock in `locks`. */
  identities: Array<readonly [IdentityField, string]>;
}

/**
 * Reads and writes inside the writer's transaction. Every method sees the writes made before it in the same
 * transaction. A unit of work that throws is rolled back alone (savepoint); the others commit.
 */
export interface StoreTx {
  /**
   * Serializes, across collector processes sharing one database, the units that read and then write what `key`
   * names in this account (`email:…`, `anonymous_id:…`, `idempotency_key:…`, `order_id:…`): the lock is held until
   * the transaction commits. Call it before the reads it guards. A store with a single writer (SQLite) does nothing.
   */
  lockIdentity(accountId: number, key: string): Promise<void>;
  /**
   * Optional: takes these locks and reads these rows ahead, in as few statements as the store can, so that the
   * lockIdentity, findEventByIdempotencyKey and contactIdForAnonymousId calls that follow find them held.
   */
  prepare?(units: UnitReads[]): Promise<void>;
  /**
   * Optional: sends writes the store holds back to batch them (PostgreSQL's event inserts). The commit sends
   * whatever is left; when a commit fails for a reason one unit may have caused (text the database refuses), the
   * group committer re-runs the transaction calling it at the end of each unit, so that unit fails alone.
   */
  flush?(): Promise<void>;
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
  /** Erases a contact, its identities, its events and their order records. */
  deleteContact(accountId: number, id: number): Promise<boolean>;
  createAccount(account: Omit<AccountRecord, 'id'>): Promise<AccountRecord>;
  saveAccount(account: AccountRecord): Promise<void>;
  createKey(key: Omit<KeyRecord, 'id'>): Promise<KeyRecord>;
  revokeKey(id: number, now: number): Promise<boolean>;
}

/**
 * The store behind the collector. Writes go through `write`, which coalesces concurrent units of work into one
 * durable transaction (group commit) and resolves each only after that transaction committed. Reads see only
 * committed data.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  write<T>(work: (tx: StoreTx) => Promise<T>, options?: UnitOptions): Promise<T>;
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
  /** The keys of a prefix with their accounts, read as of one auth version (auth-cache.ts). */
  findKeysWithAccounts?(prefix: string): Promise<Array<{ key: KeyRecord; account: AccountRecord | null }>>;
  /** The highest event id stored, so a restarted id generator never goes backwards. */
  maxEventId(): Promise<number>;
  /**
   * Stats API (issue #18): runs the read-only queries `build` writes in this store's SQL dialect (stats/), all on
   * one snapshot; one list of rows per query.
   */
  statsRows(build: (dialect: SqlDialect) => SqlQuery[]): Promise<Array<Array<Record<string, unknown>>>>;
  /** Throws when the store cannot serve (readiness). */
  ping(): Promise<void>;
  /** Finishes queued writes, then closes. */
  close(): Promise<void>;
}
