import type pg from 'pg';
import type { StoredEvent } from '@tracklet/protocol';
import { normalizeEmail, toStoredEvent } from '../output.js';
import { holdContact } from '../held-contacts.js';
import { identitiesOf, identityValue } from '../identities.js';
import type {
  AccountRecord,
  ContactRecord,
  EventRecord,
  EventSchemaRecord,
  KeyRecord,
  NewContact,
} from '../records.js';
import type { IdentityField, StoreTx, UnitReads } from '../store.js';
import { WriterConflict } from './postgres-errors.js';
import {
  accountFromRow,
  contactColumnList,
  contactFromRow,
  eventColumnList,
  eventFromRow,
  jsonb,
  keyFromRow,
  type Row,
  schemaFromRow,
} from './rows.js';

/** Committed event schemas by `account:event`, shared by the store's transactions (getEventSchema). */
export type SchemaCache = Map<string, EventSchemaRecord>;

const identityColumn: Record<IdentityField, string> = {
  email: 'email_norm',
  phone: 'phone',
  external_id: 'external_id',
};

/** Inserts of held-back rows from JSON parameters: $1 the new contacts (their ids drawn ahead), $2 their links. */
const insertContactsSql = `INSERT INTO contacts (${contactColumnList}) OVERRIDING SYSTEM VALUE
  SELECT ${contactColumnList} FROM json_populate_recordset(NULL::contacts, $1)`;
const insertLinksSql = `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at)
  SELECT account_id, anonymous_id, contact_id, created_at FROM json_populate_recordset(NULL::anonymous_ids, $2)
  ON CONFLICT (account_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id`;

/** The distinct tuples (account, text…) not yet in `known`, which keys them by their parts joined with `:`. */
function unseen<T extends readonly [number, ...string[]]>(tuples: T[], known: Map<string, unknown>): T[] {
  const wanted = new Map<string, T>();
  for (const tuple of tuples) {
    const key = tuple.join(':');
    if (!known.has(key)) wanted.set(key, tuple);
  }
  return [...wanted.values()];
}

/** The call of migration 5's function (lock-and-read-sql.ts). */
const lockAndReadCall =
  'SELECT out_kind AS kind, out_row AS row FROM tracklet_lock_and_read($1, $2, $3, $4, $5, $6, $7, $8, $9)';

/** `account:field:value` → the lowest id of the live contacts among `rows` holding that identity. */
function identityHolders(rows: Array<{ kind: string; row: Row }>): Map<string, number> {
  const holders = new Map<string, number>();
  for (const { kind, row } of rows) {
    if (kind !== 'contact' || row.merged_into !== null) continue;
    for (const [field, column] of Object.entries(identityColumn)) {
      const value = row[column];
      if (typeof value !== 'string') continue;
      const key = `${row.account_id}:${field}:${value}`;
      const id = Number(row.id);
      if (id < (holders.get(key) ?? Infinity)) holders.set(key, id);
    }
  }
  return holders;
}

/**
 * StoreTx on the writer's client, inside the group transaction (READ COMMITTED: each statement sees what other
 * collectors committed before it). One instance per transaction.
 */
export class PostgresTx implements StoreTx {
  /** True once a unit of this transaction was released: its locks are then held until COMMIT. */
  holdsLocks = false;
  /**
   * What this transaction already holds or read under its locks, so the events of one visitor in a beacon cost one
   * lock and one read instead of one each: advisory locks taken, anonymous id → contact, contacts read FOR UPDATE.
   * Forgotten whenever a savepoint rolls back (forgetCachedReads), since what it held or wrote is undone.
   */
  private readonly locked = new Set<string>();
  private readonly anonymousIds = new Map<string, number | null>();
  private readonly contacts = new Map<string, ContactRecord>();
  /**
   * `account:field:value` → the id of the live contact holding that identity (the lowest), or null: read by prepare()
   * under the identity's lock, its contact held. A contact written in this transaction may give or take identities
   * (or be merged): its old and new ones are forgotten then (forgetIdentitiesOf) and looked up again when asked.
   */
  private readonly identities = new Map<string, number | null>();
  /** Idempotency keys looked up under their lock: the event stored under it, or null. */
  private readonly idempotency = new Map<string, { event: StoredEvent; requestHash: string | null } | null>();
  /**
   * Events inserted but not yet sent: they go as one INSERT (flush) at the end of the unit, or before any statement
   * that reads or changes events, so a 100-event beacon costs one statement instead of a hundred.
   */
  private pendingEvents: EventRecord[] = [];
  /**
   * Contact ids drawn ahead from the contacts' identity sequence by prepare(), one per visitor it found unmapped and
   * per identity no contact holds: a new visitor's or customer's contact then costs no statement of its own. Its row
   * (pendingContacts) and its anonymous id's link (pendingLinks) are sent by flush(), with the events; every
   * statement that reads contacts flushes first.
   */
  private freshContactIds: number[] = [];
  private readonly pendingContacts = new Map<string, ContactRecord>();
  private pendingLinks: Array<{ account_id: number; anonymous_id: string; contact_id: number; created_at: number }> =
    [];
  /** Schemas this transaction wrote: the shared cache takes them once the transaction committed (committed()). */
  private readonly pendingSchemas = new Map<string, EventSchemaRecord>();

  constructor(
    readonly client: pg.PoolClient,
    private readonly schemas: SchemaCache = new Map(),
  ) {}

  /**
   * Sends the new contacts, their anonymous ids' links and the events held back, in one statement (a transaction's
   * round trips are what a unit waits for): contact ids were drawn ahead, so nothing in it depends on another part.
   */
  async flush(): Promise<void> {
    if (this.pendingContacts.size === 0 && this.pendingLinks.length === 0 && this.pendingEvents.length === 0) return;
    const [contacts, links] = this.takeContacts();
    const events = this.pendingEvents;
    this.pendingEvents = [];
    await this.client.query(
      `WITH new_contacts AS (${insertContactsSql}), new_links AS (${insertLinksSql})
      INSERT INTO events (${eventColumnList}) SELECT ${eventColumnList} FROM json_populate_recordset(NULL::events, $3)`,
      [contacts, links, JSON.stringify(events)],
    );
  }

  /** Sends the new contacts and their anonymous ids' links held back (a lookup of contacts by identity needs them). */
  private async flushContacts(): Promise<void> {
    if (this.pendingContacts.size === 0 && this.pendingLinks.length === 0) return;
    const [contacts, links] = this.takeContacts();
    await this.client.query(`WITH new_contacts AS (${insertContactsSql}) ${insertLinksSql}`, [contacts, links]);
  }

  /** The held-back contacts and links as JSON parameters, each link once (the last one made wins). */
  private takeContacts(): [string, string] {
    const contacts = [...this.pendingContacts.values()].map((c) => ({
      ...c,
      email_norm: c.email && normalizeEmail(c.email),
    }));
    const links = new Map(this.pendingLinks.map((l) => [`${l.account_id}:${l.anonymous_id}`, l]));
    this.pendingContacts.clear();
    this.pendingLinks = [];
    return [JSON.stringify(contacts), JSON.stringify([...links.values()])];
  }

  /** Called when a savepoint rolled back: locks and rows of the undone work may no longer be ours. */
  forgetCachedReads(): void {
    this.pendingEvents = [];
    this.freshContactIds = [];
    this.pendingContacts.clear();
    this.pendingLinks = [];
    this.locked.clear();
    this.anonymousIds.clear();
    this.contacts.clear();
    this.identities.clear();
    this.idempotency.clear();
    this.pendingSchemas.clear();
  }

  /**
   * Every lock of the units, then their idempotency keys, anonymous ids and identities, in one statement: the function
   * of migrations 4 and 5 (lock-and-read-sql.ts) reads only once the locks are held, in one sorted order, only tried
   * when this transaction already holds locks. What is read here is read under its lock, so it can be reused until commit.
   */
  async prepare(units: UnitReads[]): Promise<void> {
    const lockKeys = [...new Set(units.flatMap((u) => u.locks.map((l) => `${u.accountId}:${l}`)))]
      .filter((k) => !this.locked.has(k))
      .sort();
    // Each once: the 100 events of one visitor's beacon name its anonymous id 100 times, and each row found comes
    // back (and its contact is locked) once per time it is named.
    const keys = unseen(
      units.flatMap((u) => u.idempotencyKeys.map((k) => [u.accountId, k] as const)),
      this.idempotency,
    );
    const anonymous = unseen(
      units.flatMap((u) => u.anonymousIds.map((id) => [u.accountId, id] as const)),
      this.anonymousIds,
    );
    const identities = unseen(
      units.flatMap((u) => u.identities.map(([field, value]) => [u.accountId, field, value] as const)),
      this.identities,
    );
    if (lockKeys.length === 0 && keys.length === 0 && anonymous.length === 0 && identities.length === 0) return;
    if (keys.length > 0 || anonymous.length > 0 || identities.length > 0) await this.flush();
    const rows = (await this.rows(lockAndReadCall, [
      lockKeys,
      this.holdsLocks,
      keys.map(([a]) => a),
      keys.map(([, k]) => k),
      anonymous.map(([a]) => a),
      anonymous.map(([, id]) => id),
      identities.map(([a]) => a),
      identities.map(([, f]) => f),
      identities.map(([, , v]) => v),
    ])) as Array<{ kind: string; row: Row }>;
    if (rows[0]?.kind === 'conflict') throw new WriterConflict(lockKeys.join(' '));
    for (const key of lockKeys) this.locked.add(key);
    for (const [a, k] of keys) this.idempotency.set(`${a}:${k}`, null);
    for (const [a, id] of anonymous) this.anonymousIds.set(`${a}:${id}`, null);
    const holders = identityHolders(rows);
    for (const [a, field, value] of identities)
      this.identities.set(`${a}:${field}:${value}`, holders.get(`${a}:${field}:${value}`) ?? null);
    for (const { kind, row } of rows) {
      if (kind === 'event') {
        this.idempotency.set(`${row.account_id}:${row.idempotency_key}`, {
          event: toStoredEvent(eventFromRow(row)),
          requestHash: row.request_hash as string | null,
        });
      } else if (kind === 'contact') {
        holdContact(this.contacts, contactFromRow(row));
      } else if (kind === 'contact_id') {
        this.freshContactIds.push(Number(row));
      } else {
        this.anonymousIds.set(`${row.account_id}:${row.anonymous_id}`, row.contact_id as number);
      }
    }
  }

  /** Called after COMMIT: the schemas written are now everybody's. */
  committed(): void {
    for (const [key, schema] of this.pendingSchemas) this.schemas.set(key, schema);
  }

  private async rows(text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.client.query<Row>(text, values)).rows;
  }

  /**
   * Contacts are read to be written back (saveContact), so their rows are locked until commit: a collector that reads
   * the same contact waits and then sees this one's writes, instead of overwriting them. Like lockIdentity, later
   * units of a transaction do not wait (NOWAIT, 55P03: re-run first in the next transaction).
   */
  private get forUpdate(): string {
    return this.holdsLocks ? 'FOR UPDATE NOWAIT' : 'FOR UPDATE';
  }

  /** Keys or accounts change in this transaction: authentication caches must re-read (auth-cache.ts). */
  private async bumpAuthVersion(): Promise<void> {
    await this.client.query('UPDATE auth_version SET version = version + 1 WHERE id = 1');
  }

  async inSavepoint<T>(work: () => Promise<T>): Promise<T> {
    await this.flush();
    await this.client.query('SAVEPOINT item');
    try {
      const value = await work();
      await this.client.query('RELEASE item');
      return value;
    } catch (error) {
      await this.client.query('ROLLBACK TO item; RELEASE item');
      this.forgetCachedReads();
      throw error;
    }
  }

  private async count(text: string, values: unknown[]): Promise<number> {
    return (await this.client.query(text, values)).rowCount ?? 0;
  }

  /**
   * Serializes work on one account+key across collector processes until this transaction ends. When earlier units
   * of the transaction already hold locks, waiting could deadlock against another collector's group transaction,
   * so it only tries, and on failure the unit is re-run first in the next transaction, where it waits.
   */
  async lockIdentity(accountId: number, key: string): Promise<void> {
    const lockKey = `${accountId}:${key}`;
    if (this.locked.has(lockKey)) return;
    if (!this.holdsLocks) {
      await this.client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
    } else {
      const [row] = await this.rows('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [lockKey]);
      if (!row?.ok) throw new WriterConflict(lockKey);
    }
    this.locked.add(lockKey);
  }

  async findEventByIdempotencyKey(accountId: number, key: string) {
    const known = this.idempotency.get(`${accountId}:${key}`);
    if (known !== undefined) return known;
    await this.flush();
    const [row] = await this.rows('SELECT * FROM events WHERE account_id = $1 AND idempotency_key = $2', [
      accountId,
      key,
    ]);
    if (!row) return null;
    return { event: toStoredEvent(eventFromRow(row)), requestHash: row.request_hash as string | null };
  }

  async findOrder(accountId: number, orderId: string) {
    const [row] = await this.rows('SELECT event_id FROM orders WHERE account_id = $1 AND order_id = $2', [
      accountId,
      orderId,
    ]);
    return row ? (row.event_id as number) : null;
  }

  async recordOrder(accountId: number, orderId: string, eventId: number) {
    await this.client.query('INSERT INTO orders (account_id, order_id, event_id) VALUES ($1, $2, $3)', [
      accountId,
      orderId,
      eventId,
    ]);
  }

  async lastEmailOpenAt(accountId: number, contactId: number) {
    await this.flush();
    // The event name is a literal, so the partial index events_email_open serves it.
    const [row] = await this.rows(
      `SELECT max(created_at) AS at FROM events WHERE account_id = $1 AND contact_id = $2 AND event = 'email_open'`,
      [accountId, contactId],
    );
    return (row?.at as number | null | undefined) ?? null;
  }

  /**
   * Served from the schemas this transaction wrote, then from the process's cache of committed ones. A cached schema
   * can only lack properties (types never change, properties are never removed), so it is safe for finding type
   * mismatches; `fresh` reads the table, for the re-check under the schema's lock before typing new properties.
   */
  async getEventSchema(accountId: number, event: string, options: { fresh?: boolean } = {}) {
    const key = `${accountId}:${event}`;
    const known = this.pendingSchemas.get(key) ?? (options.fresh ? undefined : this.schemas.get(key));
    if (known) return known;
    const [row] = await this.rows('SELECT * FROM event_schemas WHERE account_id = $1 AND event = $2', [
      accountId,
      event,
    ]);
    const schema = row ? schemaFromRow(row) : null;
    if (schema) this.schemas.set(key, schema);
    return schema;
  }

  /** Merges: a property another collector stored meanwhile keeps its type (jsonb `||`: the right side wins). */
  async putEventSchema(s: EventSchemaRecord) {
    await this.client.query(
      `INSERT INTO event_schemas (account_id, event, properties, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (account_id, event) DO UPDATE SET last_seen = greatest(event_schemas.last_seen, excluded.last_seen),
        properties = excluded.properties || event_schemas.properties`,
      [s.account_id, s.event, jsonb(s.properties), s.first_seen, s.last_seen],
    );
    this.pendingSchemas.set(`${s.account_id}:${s.event}`, s);
  }

  /** Locked FOR UPDATE until commit, so a second read in this transaction can take the same record. */
  async getContact(accountId: number, id: number) {
    const key = `${accountId}:${id}`;
    const held = this.contacts.get(key);
    if (held) return held;
    const [row] = await this.rows(`SELECT * FROM contacts WHERE account_id = $1 AND id = $2 ${this.forUpdate}`, [
      accountId,
      id,
    ]);
    return row ? holdContact(this.contacts, contactFromRow(row)) : null;
  }

  async findContactBy(accountId: number, field: IdentityField, value: string) {
    const wanted = identityValue(field, value);
    const holder = this.identities.get(`${accountId}:${field}:${wanted}`);
    if (holder !== undefined) return holder === null ? null : (this.contacts.get(`${accountId}:${holder}`) ?? null);
    await this.flushContacts();
    const [row] = await this.rows(
      `SELECT * FROM contacts WHERE account_id = $1 AND ${identityColumn[field]} = $2
      AND merged_into IS NULL ORDER BY id LIMIT 1 ${this.forUpdate}`,
      [accountId, wanted],
    );
    return row ? holdContact(this.contacts, contactFromRow(row)) : null;
  }

  /** Cached only under the anonymous id's lock (taken by the pipeline first), which no other writer passes. */
  async contactIdForAnonymousId(accountId: number, anonymousId: string) {
    const key = `${accountId}:${anonymousId}`;
    const known = this.anonymousIds.get(key);
    if (known !== undefined) return known;
    const [row] = await this.rows('SELECT contact_id FROM anonymous_ids WHERE account_id = $1 AND anonymous_id = $2', [
      accountId,
      anonymousId,
    ]);
    const contactId = row ? (row.contact_id as number) : null;
    if (this.locked.has(`${accountId}:anonymous_id:${anonymousId}`)) this.anonymousIds.set(key, contactId);
    return contactId;
  }

  async createContact(c: NewContact, now: number) {
    this.forgetIdentitiesOf(c);
    const id = this.freshContactIds.pop();
    if (id !== undefined) {
      const contact: ContactRecord = {
        id,
        account_id: c.account_id,
        email: c.email,
        phone: c.phone,
        external_id: c.external_id,
        attributes: c.attributes,
        first_touch: c.first_touch,
        last_touch: c.last_touch,
        merged_into: null,
        created_at: now,
        updated_at: now,
      };
      this.pendingContacts.set(`${c.account_id}:${id}`, contact);
      return holdContact(this.contacts, contact);
    }
    const [row] = await this.rows(
      `INSERT INTO contacts (account_id, email, email_norm, phone, external_id, attributes,
      first_touch, last_touch, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING *`,
      [
        c.account_id,
        c.email,
        c.email && normalizeEmail(c.email),
        c.phone,
        c.external_id,
        jsonb(c.attributes),
        jsonb(c.first_touch),
        jsonb(c.last_touch),
        now,
      ],
    );
    return holdContact(this.contacts, contactFromRow(row as Row));
  }

  /**
   * Forgets the identities read ahead that `contact`, about to be written, held (a contact's id is unique across
   * accounts) or now holds (identities).
   */
  private forgetIdentitiesOf(contact: NewContact & { id?: number }): void {
    if (contact.id !== undefined)
      for (const [key, holder] of this.identities) if (holder === contact.id) this.identities.delete(key);
    for (const [field, value] of identitiesOf(contact))
      this.identities.delete(`${contact.account_id}:${field}:${value}`);
  }

  async saveContact(c: ContactRecord, now: number) {
    this.forgetIdentitiesOf(c);
    const key = `${c.account_id}:${c.id}`;
    if (this.pendingContacts.has(key)) {
      // Not sent yet: the row goes with its latest values when flushed.
      c.updated_at = now;
      this.pendingContacts.set(key, c);
      return;
    }
    await this.client.query(
      `UPDATE contacts SET email = $1, email_norm = $2, phone = $3, external_id = $4, attributes = $5,
      first_touch = $6, last_touch = $7, merged_into = $8, updated_at = $9 WHERE account_id = $10 AND id = $11`,
      [
        c.email,
        c.email && normalizeEmail(c.email),
        c.phone,
        c.external_id,
        jsonb(c.attributes),
        jsonb(c.first_touch),
        jsonb(c.last_touch),
        c.merged_into,
        now,
        c.account_id,
        c.id,
      ],
    );
    c.updated_at = now;
  }

  async linkAnonymousId(accountId: number, anonymousId: string, contactId: number, now: number) {
    if (this.pendingContacts.has(`${accountId}:${contactId}`)) {
      this.pendingLinks.push({
        account_id: accountId,
        anonymous_id: anonymousId,
        contact_id: contactId,
        created_at: now,
      });
      this.anonymousIds.set(`${accountId}:${anonymousId}`, contactId);
      return;
    }
    await this.client.query(
      `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (account_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id`,
      [accountId, anonymousId, contactId, now],
    );
    this.anonymousIds.set(`${accountId}:${anonymousId}`, contactId);
  }

  async moveContactData(accountId: number, fromId: number, intoId: number, now: number) {
    await this.flush();
    this.anonymousIds.clear();
    this.idempotency.clear();
    await this.client.query('UPDATE anonymous_ids SET contact_id = $1 WHERE account_id = $2 AND contact_id = $3', [
      intoId,
      accountId,
      fromId,
    ]);
    await this.client.query(
      'UPDATE events SET contact_id = $1, updated_at = $2 WHERE account_id = $3 AND contact_id = $4',
      [intoId, now, accountId, fromId],
    );
  }

  async insertEvent(e: EventRecord): Promise<StoredEvent> {
    this.pendingEvents.push(e);
    const stored = toStoredEvent(e);
    if (e.idempotency_key)
      this.idempotency.set(`${e.account_id}:${e.idempotency_key}`, { event: stored, requestHash: e.request_hash });
    return stored;
  }

  async deleteContact(accountId: number, id: number) {
    await this.flush();
    this.idempotency.clear();
    this.anonymousIds.clear();
    this.contacts.clear();
    this.identities.clear();
    await this.client.query(
      `DELETE FROM orders WHERE account_id = $1 AND event_id IN
      (SELECT id FROM events WHERE account_id = $1 AND contact_id = $2)`,
      [accountId, id],
    );
    await this.client.query('DELETE FROM events WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
    await this.client.query('DELETE FROM anonymous_ids WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
    await this.client.query('DELETE FROM contacts WHERE account_id = $1 AND merged_into = $2', [accountId, id]);
    return (await this.count('DELETE FROM contacts WHERE account_id = $1 AND id = $2', [accountId, id])) > 0;
  }

  async createAccount(a: Omit<AccountRecord, 'id'>) {
    await this.bumpAuthVersion();
    const [row] = await this.rows(
      `INSERT INTO accounts (name, allowed_origins, allowed_events, rate_limit, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [a.name, jsonb(a.allowed_origins), jsonb(a.allowed_events), jsonb(a.rate_limit), a.created_at, a.updated_at],
    );
    return accountFromRow(row as Row);
  }

  async saveAccount(a: AccountRecord) {
    await this.bumpAuthVersion();
    await this.client.query(
      `UPDATE accounts SET name = $1, allowed_origins = $2, allowed_events = $3, rate_limit = $4, updated_at = $5
      WHERE id = $6`,
      [a.name, jsonb(a.allowed_origins), jsonb(a.allowed_events), jsonb(a.rate_limit), a.updated_at, a.id],
    );
  }

  async createKey(k: Omit<KeyRecord, 'id'>) {
    await this.bumpAuthVersion();
    const [row] = await this.rows(
      `INSERT INTO api_keys (account_id, type, prefix, hash, scopes, created_at, revoked_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [k.account_id, k.type, k.prefix, k.hash, jsonb(k.scopes), k.created_at, k.revoked_at],
    );
    return keyFromRow(row as Row);
  }

  async revokeKey(id: number, now: number) {
    await this.bumpAuthVersion();
    return (
      (await this.count('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id])) > 0
    );
  }
}
