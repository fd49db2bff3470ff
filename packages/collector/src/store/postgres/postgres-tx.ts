import type pg from 'pg';
import type { StoredEvent } from '@tracklet/protocol';
import { toStoredEvent } from '../output.js';
import { insertOutboxJsonSql, type NewOutboxRow } from '../../webhooks/delivery-rows.js';
import { identityValue } from '../identities.js';
import type {
  AccountRecord,
  ContactRecord,
  EventRecord,
  EventSchemaRecord,
  KeyRecord,
  NewContact,
} from '../records.js';
import type { Footprint, IdentityField, StoreTx } from '../store.js';
import * as accounts from './account-statements.js';
import * as contacts from './contact-statements.js';
import * as events from './event-statements.js';
import { WriterConflict } from './postgres-errors.js';
import { readAhead } from './read-ahead.js';
import type { Row } from './rows.js';
import { TxCache } from './tx-cache.js';

/**
 * StoreTx on a writer's client, inside its group transaction (READ COMMITTED: each statement sees what other
 * collectors committed before it). One instance per transaction; what it holds between statements is its `cache`.
 */
export class PostgresTx implements StoreTx {
  /** True once a unit of this transaction ran or its reads were prepared: its locks are then held until COMMIT. */
  holdsLocks = false;
  /** Webhook outbox rows queued since the last flush (issue #21): sent with the held events, in one statement. */
  private outbox: NewOutboxRow[] = [];

  constructor(
    readonly client: pg.PoolClient,
    readonly cache = new TxCache(new Map()),
  ) {}

  /** Sends the held-back writes, in one statement: contact ids were drawn ahead, so no part waits for another. */
  async flush(): Promise<void> {
    const held = this.cache.takeHeldWrites();
    const outbox = this.outbox;
    this.outbox = [];
    await Promise.all([
      held && events.sendHeldWrites(this.client, held),
      outbox.length > 0 && this.client.query(insertOutboxJsonSql, [JSON.stringify(outbox)]),
    ]);
  }

  /** Takes the footprints' locks and reads what they name, in one statement (read-ahead.ts). */
  prepare(footprints: Footprint[]): Promise<void> {
    return readAhead(this.client, this.cache, this.holdsLocks, footprints, () => this.flush());
  }

  /**
   * Contacts are read to be written back (saveContact), so their rows are locked until commit: a collector that reads
   * the same contact waits and then sees this one's writes. Like lockIdentity, a transaction that holds locks does
   * not wait (NOWAIT, 55P03: the unit runs again first in the next transaction).
   */
  private get forUpdate(): string {
    return this.holdsLocks ? 'FOR UPDATE NOWAIT' : 'FOR UPDATE';
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
      this.cache.invalidate();
      this.outbox = [];
      throw error;
    }
  }

  /** Waiting could deadlock against another writer once this transaction holds locks: then it only tries. */
  async lockIdentity(accountId: number, key: string): Promise<void> {
    const lockKey = `${accountId}:${key}`;
    if (this.cache.locked.has(lockKey)) return;
    if (!this.holdsLocks) {
      await this.client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
    } else {
      const sql = 'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok';
      if (!(await this.client.query<Row>(sql, [lockKey])).rows[0]?.ok) throw new WriterConflict(lockKey);
    }
    this.cache.locked.add(lockKey);
  }

  async findEventByIdempotencyKey(accountId: number, key: string) {
    const known = this.cache.idempotency.get(`${accountId}:${key}`);
    if (known !== undefined) return known;
    await this.flush();
    return events.selectReplay(this.client, accountId, key);
  }

  findOrder(accountId: number, orderId: string) {
    return events.selectOrder(this.client, accountId, orderId);
  }

  recordOrder(accountId: number, orderId: string, eventId: number) {
    return events.insertOrder(this.client, accountId, orderId, eventId);
  }

  async lastEmailOpenAt(accountId: number, contactId: number) {
    await this.flush();
    return events.selectLastEmailOpen(this.client, accountId, contactId);
  }

  /**
   * From the schemas this transaction wrote, then the process's cache of committed ones. A cached schema can only lack
   * properties (types never change, none is removed), so it is safe for finding type mismatches; `fresh` reads the
   * table, for the re-check under the schema's lock before typing new properties.
   */
  async getEventSchema(accountId: number, event: string, options: { fresh?: boolean } = {}) {
    const key = `${accountId}:${event}`;
    const { schemasWritten, committedSchemas } = this.cache;
    const known = schemasWritten.get(key) ?? (options.fresh ? undefined : committedSchemas.get(key));
    if (known) return known;
    const schema = await events.selectSchema(this.client, accountId, event);
    if (schema) committedSchemas.set(key, schema);
    return schema;
  }

  async putEventSchema(s: EventSchemaRecord) {
    await events.upsertSchema(this.client, s);
    this.cache.schemasWritten.set(`${s.account_id}:${s.event}`, s);
  }

  async getContact(accountId: number, id: number) {
    const held = this.cache.contacts.get(`${accountId}:${id}`);
    if (held) return held;
    const contact = await contacts.selectContact(this.client, accountId, id, this.forUpdate);
    return contact && this.cache.hold(contact);
  }

  async findContactBy(accountId: number, field: IdentityField, value: string) {
    const wanted = identityValue(field, value);
    const holder = this.cache.identities.get(`${accountId}:${field}:${wanted}`);
    if (holder !== undefined)
      return holder === null ? null : (this.cache.contacts.get(`${accountId}:${holder}`) ?? null);
    await this.flush();
    const contact = await contacts.selectContactBy(this.client, accountId, field, wanted, this.forUpdate);
    return contact && this.cache.hold(contact);
  }

  /** Cached only under the anonymous id's lock (taken by the pipeline first), which no other writer passes. */
  async contactIdForAnonymousId(accountId: number, anonymousId: string) {
    const key = `${accountId}:${anonymousId}`;
    const known = this.cache.anonymousIds.get(key);
    if (known !== undefined) return known;
    const contactId = await contacts.selectContactId(this.client, accountId, anonymousId);
    if (this.cache.locked.has(`${accountId}:anonymous_id:${anonymousId}`)) this.cache.anonymousIds.set(key, contactId);
    return contactId;
  }

  /** With an id drawn ahead, the row is held back and goes with the next flush. */
  async createContact(c: NewContact, now: number) {
    this.cache.forgetIdentitiesOf(c);
    const id = this.cache.freshContactIds.pop();
    if (id === undefined) return this.cache.hold(await contacts.insertContact(this.client, c, now));
    return this.cache.holdNewContact({ ...c, id, merged_into: null, created_at: now, updated_at: now });
  }

  async saveContact(c: ContactRecord, now: number) {
    this.cache.forgetIdentitiesOf(c);
    // A contact not sent yet goes with its latest values when flushed.
    if (!this.cache.newContacts.has(`${c.account_id}:${c.id}`)) await contacts.updateContact(this.client, c, now);
    c.updated_at = now;
  }

  async linkAnonymousId(accountId: number, anonymousId: string, contactId: number, now: number) {
    if (this.cache.newContacts.has(`${accountId}:${contactId}`)) {
      this.cache.holdLink(accountId, anonymousId, contactId, now);
      return;
    }
    await contacts.upsertLink(this.client, accountId, anonymousId, contactId, now);
    this.cache.anonymousIds.set(`${accountId}:${anonymousId}`, contactId);
  }

  /** Moves rows the cache holds: it is invalidated. */
  async moveContactData(accountId: number, fromId: number, intoId: number, now: number) {
    await this.flush();
    this.cache.invalidate();
    await contacts.moveContactRows(this.client, accountId, fromId, intoId, now);
  }

  /** Held back until the next flush (at the latest the commit's): a beacon's events go as one statement. */
  async insertEvent(e: EventRecord): Promise<StoredEvent> {
    const stored = toStoredEvent(e);
    this.cache.holdEvent(e, stored);
    return stored;
  }

  async queueWebhooks(rows: NewOutboxRow[]) {
    this.outbox.push(...rows);
  }

  async deleteContact(accountId: number, id: number) {
    await this.flush();
    this.cache.invalidate();
    return contacts.deleteContactRows(this.client, accountId, id);
  }

  createAccount = (a: Omit<AccountRecord, 'id'>) => accounts.insertAccount(this.client, a);
  saveAccount = (a: AccountRecord) => accounts.updateAccount(this.client, a);
  createKey = (k: Omit<KeyRecord, 'id'>) => accounts.insertKey(this.client, k);
  revokeKey = (id: number, now: number) => accounts.revokeKeyRow(this.client, id, now);
}
