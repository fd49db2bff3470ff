import type Database from 'better-sqlite3';
import type { StoredEvent } from '@tracklet/protocol';
import { normalizeEmail, storedEventOf, toStoredEvent } from '../output.js';
import { holdContact } from '../held-contacts.js';
import { identityValue } from '../identities.js';
import type {
  AccountRecord,
  ContactRecord,
  EventRecord,
  EventSchemaRecord,
  KeyRecord,
  NewContact,
} from '../records.js';
import type { IdentityField, StoreTx } from '../store.js';
import { SqliteVisits } from './sqlite-visits.js';
import { contactDaysStaleSql } from '../rollups-schema.js';
import { StaleDays } from '../stale-days.js';
import { insertOutboxSql, type NewOutboxRow, outboxParams } from '../../webhooks/delivery-rows.js';
import { accountFromRow, contactFromRow, eventColumns, eventFromRow, eventParams, keyFromRow } from './rows.js';

type Row = Record<string, unknown>;
const insertEventSql = `INSERT INTO events (${eventColumns.join(', ')}) VALUES (${eventColumns.map(() => '?').join(', ')})`;
const contactDaysStale = contactDaysStaleSql(() => '?');
const identityColumn: Record<IdentityField, string> = {
  email: 'email_norm',
  phone: 'phone',
  external_id: 'external_id',
};

/** StoreTx on the writer connection; better-sqlite3 is synchronous, the promises only keep the interface async. */
export class SqliteTx implements StoreTx {
  private readonly cache = new Map<string, Database.Statement>();
  /**
   * Event schemas as this writer last read or wrote them (null: none yet). This connection is the database's only
   * writer, so the cache is exact while what it wrote commits; any rollback forgets it (`forgetCachedReads`).
   */
  private readonly schemas = new Map<string, EventSchemaRecord | null>();
  /**
   * One record per contact per transaction, by `account:id`, as PostgresTx holds them: the 100 events of one
   * visitor's beacon read and parse its row once, and every change to a contact is made on that record and saved.
   * Every contact write of this connection (the database's only writer) goes through this class and keeps the
   * records as the rows stand. Dropped when the transaction ends: the runner (sqlite-store.ts) calls
   * `forgetTransactionReads` after COMMIT and `forgetCachedReads` on every rollback (its own or a savepoint's).
   */
  private readonly contacts = new Map<string, ContactRecord>();
  /** Anonymous id (`account:anonymous_id`) → its contact's id, or null when unmapped; held like `contacts`. */
  private readonly anonymousIds = new Map<string, number | null>();

  /** The visits this transaction's events add to, written before COMMIT (sqlite-visits.ts). */
  readonly visits: SqliteVisits;

  constructor(readonly db: Database.Database) {
    this.visits = new SqliteVisits(db, new StaleDays());
  }

  /** Called on every rollback: cached rows may hold writes that were just undone. */
  forgetCachedReads(): void {
    this.schemas.clear();
    this.visits.forget();
    this.forgetTransactionReads();
  }

  /** Forgets what is held for one transaction only (contacts, anonymous ids); the schemas stay. */
  forgetTransactionReads(): void {
    this.contacts.clear();
    this.anonymousIds.clear();
  }

  /** A contacts row as its held record: parsed only when the contact is not held yet. */
  private contactOfRow(row: Row): ContactRecord {
    return (
      this.contacts.get(`${row.account_id as number}:${row.id as number}`) ??
      holdContact(this.contacts, contactFromRow(row))
    );
  }

  private sql(text: string): Database.Statement {
    let statement = this.cache.get(text);
    if (!statement) this.cache.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** Keys or accounts change in this transaction: authentication caches must re-read (auth-cache.ts). */
  private bumpAuthVersion(): void {
    this.sql('UPDATE auth_version SET version = version + 1 WHERE id = 1').run();
  }

  /** One writer connection per database file (BEGIN IMMEDIATE): units are serialized already. */
  async lockIdentity(_accountId: number, _key: string) {}

  async inSavepoint<T>(work: () => Promise<T>): Promise<T> {
    // The visits held so far are written first: a rollback to the savepoint then forgets only the unit's.
    this.visits.write();
    this.db.exec('SAVEPOINT item');
    try {
      const value = await work();
      this.db.exec('RELEASE item');
      return value;
    } catch (error) {
      this.db.exec('ROLLBACK TO item; RELEASE item');
      this.forgetCachedReads();
      throw error;
    }
  }

  async findEventByIdempotencyKey(accountId: number, key: string) {
    const row = this.sql('SELECT * FROM events WHERE account_id = ? AND idempotency_key = ?').get(accountId, key) as
      Row | undefined;
    if (!row) return null;
    return { event: toStoredEvent(eventFromRow(row)), requestHash: row.request_hash as string | null };
  }

  async findOrder(accountId: number, orderId: string) {
    const row = this.sql('SELECT event_id FROM orders WHERE account_id = ? AND order_id = ?').get(
      accountId,
      orderId,
    ) as Row | undefined;
    return row ? (row.event_id as number) : null;
  }

  async recordOrder(accountId: number, orderId: string, eventId: number) {
    this.sql('INSERT INTO orders (account_id, order_id, event_id) VALUES (?, ?, ?)').run(accountId, orderId, eventId);
  }

  async lastEmailOpenAt(accountId: number, contactId: number) {
    // The event name is a literal, so the partial index events_email_open serves it.
    const row = this.sql(
      `SELECT max(created_at) AS at FROM events WHERE account_id = ? AND contact_id = ? AND event = 'email_open'`,
    ).get(accountId, contactId) as Row;
    return (row.at as number | null) ?? null;
  }

  async getEventSchema(accountId: number, event: string) {
    const key = `${accountId}:${event}`;
    const cached = this.schemas.get(key);
    if (cached !== undefined) return cached;
    const row = this.sql('SELECT * FROM event_schemas WHERE account_id = ? AND event = ?').get(accountId, event) as
      Row | undefined;
    const schema = row
      ? { ...(row as unknown as EventSchemaRecord), properties: JSON.parse(row.properties as string) }
      : null;
    this.schemas.set(key, schema);
    return schema;
  }

  async putEventSchema(s: EventSchemaRecord) {
    this.sql(
      `INSERT INTO event_schemas (account_id, event, properties, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (account_id, event) DO UPDATE SET properties = excluded.properties, last_seen = excluded.last_seen`,
    ).run(s.account_id, s.event, JSON.stringify(s.properties), s.first_seen, s.last_seen);
    this.schemas.set(`${s.account_id}:${s.event}`, s);
  }

  async getContact(accountId: number, id: number) {
    const held = this.contacts.get(`${accountId}:${id}`);
    if (held) return held;
    const row = this.sql('SELECT * FROM contacts WHERE account_id = ? AND id = ?').get(accountId, id) as
      Row | undefined;
    return row ? holdContact(this.contacts, contactFromRow(row)) : null;
  }

  async findContactBy(accountId: number, field: IdentityField, value: string) {
    const row = this.sql(
      `SELECT * FROM contacts WHERE account_id = ? AND ${identityColumn[field]} = ? AND merged_into IS NULL
      ORDER BY id LIMIT 1`,
    ).get(accountId, identityValue(field, value)) as Row | undefined;
    return row ? this.contactOfRow(row) : null;
  }

  async contactIdForAnonymousId(accountId: number, anonymousId: string) {
    const key = `${accountId}:${anonymousId}`;
    const known = this.anonymousIds.get(key);
    if (known !== undefined) return known;
    const row = this.sql('SELECT contact_id FROM anonymous_ids WHERE account_id = ? AND anonymous_id = ?').get(
      accountId,
      anonymousId,
    ) as Row | undefined;
    const contactId = row ? (row.contact_id as number) : null;
    this.anonymousIds.set(key, contactId);
    return contactId;
  }

  async createContact(c: NewContact, now: number) {
    const row = this.sql(
      `INSERT INTO contacts (account_id, email, email_norm, phone, external_id, attributes, first_touch,
      last_touch, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      c.account_id,
      c.email,
      c.email && normalizeEmail(c.email),
      c.phone,
      c.external_id,
      JSON.stringify(c.attributes),
      c.first_touch && JSON.stringify(c.first_touch),
      c.last_touch && JSON.stringify(c.last_touch),
      now,
      now,
    ) as Row;
    return holdContact(this.contacts, contactFromRow(row));
  }

  async saveContact(c: ContactRecord, now: number) {
    const { changes } = this.sql(
      `UPDATE contacts SET email = ?, email_norm = ?, phone = ?, external_id = ?, attributes = ?,
      first_touch = ?, last_touch = ?, merged_into = ?, updated_at = ? WHERE account_id = ? AND id = ?`,
    ).run(
      c.email,
      c.email && normalizeEmail(c.email),
      c.phone,
      c.external_id,
      JSON.stringify(c.attributes),
      c.first_touch && JSON.stringify(c.first_touch),
      c.last_touch && JSON.stringify(c.last_touch),
      c.merged_into,
      now,
      c.account_id,
      c.id,
    );
    c.updated_at = now;
    // The row is now this record, even if another one of the contact was held (read before a drop).
    if (changes > 0) this.contacts.set(`${c.account_id}:${c.id}`, c);
  }

  async linkAnonymousId(accountId: number, anonymousId: string, contactId: number, now: number) {
    this.sql(
      `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (account_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id`,
    ).run(accountId, anonymousId, contactId, now);
    this.anonymousIds.set(`${accountId}:${anonymousId}`, contactId);
  }

  async moveContactData(accountId: number, fromId: number, intoId: number, now: number) {
    this.anonymousIds.clear();
    this.visits.write();
    this.markContactDaysStale(accountId, fromId);
    this.sql('UPDATE visits SET contact_id = ? WHERE account_id = ? AND contact_id = ?').run(intoId, accountId, fromId);
    this.sql('UPDATE anonymous_ids SET contact_id = ? WHERE account_id = ? AND contact_id = ?').run(
      intoId,
      accountId,
      fromId,
    );
    this.sql('UPDATE events SET contact_id = ?, updated_at = ? WHERE account_id = ? AND contact_id = ?').run(
      intoId,
      now,
      accountId,
      fromId,
    );
  }

  /** The stats' rollups of every day this contact's events and visits are on are built again (rollups-schema.ts). */
  private markContactDaysStale(accountId: number, contactId: number): void {
    this.sql(contactDaysStale).run(accountId, contactId, accountId, contactId);
  }

  async insertEvent(e: EventRecord): Promise<StoredEvent> {
    this.sql(insertEventSql).run(eventParams(e));
    this.visits.add(e);
    return storedEventOf(e);
  }

  async queueWebhooks(rows: NewOutboxRow[]) {
    for (const r of rows) this.sql(insertOutboxSql).run(outboxParams(r));
  }

  async deleteContact(accountId: number, id: number) {
    // The contact, those merged into it and their anonymous ids go.
    this.forgetTransactionReads();
    this.visits.write();
    this.markContactDaysStale(accountId, id);
    this.sql('DELETE FROM visits WHERE account_id = ? AND contact_id = ?').run(accountId, id);
    this.sql(
      'DELETE FROM orders WHERE account_id = ? AND event_id IN (SELECT id FROM events WHERE account_id = ? AND contact_id = ?)',
    ).run(accountId, accountId, id);
    this.sql('DELETE FROM events WHERE account_id = ? AND contact_id = ?').run(accountId, id);
    this.sql('DELETE FROM anonymous_ids WHERE account_id = ? AND contact_id = ?').run(accountId, id);
    this.sql('DELETE FROM contacts WHERE account_id = ? AND merged_into = ?').run(accountId, id);
    return this.sql('DELETE FROM contacts WHERE account_id = ? AND id = ?').run(accountId, id).changes > 0;
  }

  async createAccount(a: Omit<AccountRecord, 'id'>) {
    this.bumpAuthVersion();
    const row = this.sql(
      `INSERT INTO accounts (name, allowed_origins, allowed_events, rate_limit, timezone, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      a.name,
      JSON.stringify(a.allowed_origins),
      a.allowed_events && JSON.stringify(a.allowed_events),
      JSON.stringify(a.rate_limit),
      a.timezone,
      a.created_at,
      a.updated_at,
    ) as Row;
    return accountFromRow(row);
  }

  async saveAccount(a: AccountRecord) {
    this.bumpAuthVersion();
    this.sql(
      'UPDATE accounts SET name = ?, allowed_origins = ?, allowed_events = ?, rate_limit = ?, timezone = ?, updated_at = ? WHERE id = ?',
    ).run(
      a.name,
      JSON.stringify(a.allowed_origins),
      a.allowed_events && JSON.stringify(a.allowed_events),
      JSON.stringify(a.rate_limit),
      a.timezone,
      a.updated_at,
      a.id,
    );
  }

  async createKey(k: Omit<KeyRecord, 'id'>) {
    this.bumpAuthVersion();
    const row = this.sql(
      `INSERT INTO api_keys (account_id, type, prefix, hash, scopes, created_at, revoked_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(k.account_id, k.type, k.prefix, k.hash, JSON.stringify(k.scopes), k.created_at, k.revoked_at) as Row;
    return keyFromRow(row);
  }

  async revokeKey(id: number, now: number) {
    this.bumpAuthVersion();
    return this.sql('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }
}
