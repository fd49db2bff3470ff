import type Database from 'better-sqlite3';
import { firstIdAfter } from '../../ids.js';
import { type ContactProfile, type EventSchemaSummary, limits, type StoredEvent } from '@tracklet/protocol';
import { normalizeEmail, toContactProfile, toStoredEvent } from '../output.js';
import {
  type AccountRecord,
  type ContactFilter,
  countCap,
  type EventFilter,
  type KeyRecord,
  type Page,
} from '../records.js';
import { accountFromRow, contactFromRow, eventFromRow, keyFromRow } from './rows.js';

type Row = Record<string, unknown>;

/** WHERE clause for an event listing; every filter is a bound parameter, never spliced in. */
export function eventWhere(accountId: number, f: EventFilter): { sql: string; params: unknown[] } {
  const parts = ['account_id = ?'];
  const params: unknown[] = [accountId];
  const add = (sql: string, value: unknown) => {
    parts.push(sql);
    params.push(value);
  };
  if (f.event !== undefined) add('event = ?', f.event);
  if (f.contact_id !== undefined) add('contact_id = ?', f.contact_id);
  if (f.anonymous_id !== undefined) add('anonymous_id = ?', f.anonymous_id);
  if (f.created_after !== undefined) {
    add('created_at > ?', f.created_after);
    add('id >= ?', firstIdAfter(f.created_after));
  }
  if (f.created_before !== undefined) add('created_at < ?', f.created_before);
  if (f.resource_uid !== undefined) add('resource_uid = ?', f.resource_uid);
  if (f.resource_name !== undefined) add('resource_name = ?', f.resource_name);
  if (f.test !== undefined) add('test = ?', f.test ? 1 : 0);
  if (f.after_id !== undefined) add('id < ?', f.after_id);
  return { sql: parts.join(' AND '), params };
}

/** Reads on their own connection, so they never see the writer's open transaction. */
export class SqliteReads {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  close(): void {
    this.db.close();
  }

  private sql(text: string): Database.Statement {
    let statement = this.cache.get(text);
    if (!statement) this.cache.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  async getEvent(accountId: number, id: number): Promise<StoredEvent | null> {
    const row = this.sql('SELECT * FROM events WHERE account_id = ? AND id = ?').get(accountId, id) as Row | undefined;
    return row ? toStoredEvent(eventFromRow(row)) : null;
  }

  async listEvents(accountId: number, filter: EventFilter, page: Page) {
    const where = eventWhere(accountId, filter);
    const rows = this.sql(`SELECT * FROM events WHERE ${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?`).all(
      ...where.params,
      page.limit,
      page.offset,
    ) as Row[];
    const cap = countCap(page, limits.maxExactCount);
    const counted = (
      this.sql(`SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${where.sql} LIMIT ?)`).get(
        ...where.params,
        cap + 1,
      ) as Row
    ).n as number;
    return {
      events: rows.map((r) => toStoredEvent(eventFromRow(r))),
      total: Math.min(counted, cap),
      capped: counted > cap,
    };
  }

  async findEventIdByIdempotencyKey(accountId: number, key: string) {
    const row = this.sql('SELECT id FROM events WHERE account_id = ? AND idempotency_key = ?').get(accountId, key) as
      Row | undefined;
    return row ? (row.id as number) : null;
  }

  async findEventByIdempotencyKey(accountId: number, key: string) {
    const row = this.sql('SELECT * FROM events WHERE account_id = ? AND idempotency_key = ?').get(accountId, key) as
      Row | undefined;
    return row ? { event: toStoredEvent(eventFromRow(row)), requestHash: row.request_hash as string | null } : null;
  }

  async getEventsByIds(ids: number[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    const rows = this.sql('SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify(ids),
    ) as Row[];
    return rows.map((r) => toStoredEvent(eventFromRow(r)));
  }

  async getContactProfile(accountId: number, id: number): Promise<ContactProfile | null> {
    const row = this.sql('SELECT * FROM contacts WHERE account_id = ? AND id = ?').get(accountId, id) as
      Row | undefined;
    return row ? this.profile(row) : null;
  }

  async listContacts(accountId: number, f: ContactFilter, page: Page) {
    const parts = ['account_id = ?'];
    const params: unknown[] = [accountId];
    if (f.email !== undefined) {
      parts.push('email_norm = ?');
      params.push(normalizeEmail(f.email));
    }
    if (f.phone !== undefined) {
      parts.push('phone = ?');
      params.push(f.phone);
    }
    if (f.external_id !== undefined) {
      parts.push('external_id = ?');
      params.push(f.external_id);
    }
    const where = parts.join(' AND ');
    const rows = this.sql(
      `SELECT * FROM contacts WHERE ${where} ORDER BY merged_into IS NOT NULL, id DESC LIMIT ? OFFSET ?`,
    ).all(...params, page.limit, page.offset) as Row[];
    const total = (this.sql(`SELECT count(*) AS n FROM contacts WHERE ${where}`).get(...params) as Row).n as number;
    return { contacts: rows.map((r) => this.profile(r)), total };
  }

  private profile(row: Row): ContactProfile {
    const contact = contactFromRow(row);
    const anonymousIds = (
      this.sql(
        'SELECT anonymous_id FROM anonymous_ids WHERE account_id = ? AND contact_id = ? ORDER BY created_at, anonymous_id',
      ).all(contact.account_id, contact.id) as Row[]
    ).map((r) => r.anonymous_id as string);
    const stats = this.sql(
      `SELECT count(*) AS event_count, min(occurred_at) AS first_seen, max(occurred_at) AS last_seen
      FROM events WHERE account_id = ? AND contact_id = ?`,
    ).get(contact.account_id, contact.id) as Row;
    return toContactProfile(contact, anonymousIds, stats as never);
  }

  async listEventSchemas(accountId: number): Promise<EventSchemaSummary[]> {
    const rows = this.sql('SELECT * FROM event_schemas WHERE account_id = ? ORDER BY event').all(accountId) as Row[];
    return rows.map((r) => ({
      event: r.event as string,
      properties: JSON.parse(r.properties as string),
      first_seen: new Date(r.first_seen as number).toISOString(),
      last_seen: new Date(r.last_seen as number).toISOString(),
    }));
  }

  async getAccount(id: number): Promise<AccountRecord | null> {
    const row = this.sql('SELECT * FROM accounts WHERE id = ?').get(id) as Row | undefined;
    return row ? accountFromRow(row) : null;
  }

  async authVersion() {
    return (this.sql('SELECT version FROM auth_version WHERE id = 1').get() as Row).version as number;
  }

  async countAccounts() {
    return (this.sql('SELECT count(*) AS n FROM accounts').get() as Row).n as number;
  }

  async findKeysByPrefix(prefix: string): Promise<KeyRecord[]> {
    return (this.sql('SELECT * FROM api_keys WHERE prefix = ?').all(prefix) as Row[]).map(keyFromRow);
  }

  async listKeys(accountId: number): Promise<KeyRecord[]> {
    return (this.sql('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id').all(accountId) as Row[]).map(
      keyFromRow,
    );
  }

  async maxEventId() {
    return ((this.sql('SELECT max(id) AS id FROM events').get() as Row).id as number | null) ?? 0;
  }
}
