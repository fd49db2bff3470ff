import type pg from 'pg';
import { type ContactProfile, type EventSchemaSummary, limits, type StoredEvent } from '@tracklet/protocol';
import { type ContactStats, normalizeEmail, toContactProfile, toStoredEvent } from '../output.js';
import {
  type AccountRecord,
  type ContactFilter,
  countCap,
  type EventFilter,
  type KeyRecord,
  type Page,
} from '../records.js';
import { firstIdAfter } from '../../ids.js';
import { classify } from './postgres-errors.js';
import { accountFromRow, contactFromRow, eventFromRow, keyFromRow, type Row } from './rows.js';

/** WHERE clause for an event listing; every filter is a bound parameter, never spliced in. */
export function eventWhere(accountId: number, f: EventFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId];
  const parts = ['account_id = $1'];
  const add = (column: string, op: string, value: unknown) => {
    params.push(value);
    parts.push(`${column} ${op} $${params.length}`);
  };
  if (f.event !== undefined) add('event', '=', f.event);
  if (f.contact_id !== undefined) add('contact_id', '=', f.contact_id);
  if (f.anonymous_id !== undefined) add('anonymous_id', '=', f.anonymous_id);
  if (f.created_after !== undefined) {
    add('created_at', '>', f.created_after);
    add('id', '>=', firstIdAfter(f.created_after));
  }
  if (f.created_before !== undefined) add('created_at', '<', f.created_before);
  if (f.resource_uid !== undefined) add('resource_uid', '=', f.resource_uid);
  if (f.resource_name !== undefined) add('resource_name', '=', f.resource_name);
  if (f.test !== undefined) add('test', '=', f.test);
  if (f.after_id !== undefined) add('id', '<', f.after_id);
  return { sql: parts.join(' AND '), params };
}

/**
 * The two statements of an event listing page: the page itself and its capped count (X-Total-Count).
 *
 * The page is a late row lookup: the inner query picks the page's ids alone, the outer one reads those rows by
 * primary key. With `ORDER BY id DESC LIMIT 50` on `SELECT *`, PostgreSQL may walk the primary key backwards and
 * filter each row on the heap, betting that matches are spread evenly over ids (event=checkout, 10% of the rows:
 * "about 500 rows to read"). When the newest rows hold none — a name not sent lately; in the bench, checkout after
 * the write passes stored 115,000+ page views and add_to_carts — that walk reads every newer row first (115,449 rows,
 * 24–31 ms for one page at 1,000,000 events, and more the more was written since). Selecting only `id` lets the
 * filter's own index, (account_id, <filter>, id), give the page in id order by an index-only scan that reads just
 * its entries, and no walk that must visit the heap to test the filter costs less, so the planner takes it whatever
 * the name's share of rows (as long as most of the table is all-visible, which autovacuum keeps so); the 50 rows
 * then come by primary key. Filters without such an index (created_after, created_before) walk the primary key as
 * before, plus those 50 lookups.
 *
 * The count reads at most cap + 1 matches, so it stays bounded however many match.
 */
export function eventListingSql(accountId: number, filter: EventFilter, page: Page) {
  const where = eventWhere(accountId, filter);
  const n = where.params.length;
  const cap = countCap(page, limits.maxExactCount);
  return {
    cap,
    page: {
      text: `SELECT events.* FROM (SELECT id FROM events WHERE ${where.sql} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}) AS page
        JOIN events USING (id) ORDER BY id DESC`,
      values: [...where.params, page.limit, page.offset],
    },
    count: {
      text: `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${where.sql} LIMIT $${n + 1}) AS matches`,
      values: [...where.params, cap + 1],
    },
  };
}

function contactWhere(accountId: number, f: ContactFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId];
  const parts = ['account_id = $1'];
  const add = (column: string, value: unknown) => {
    params.push(value);
    parts.push(`${column} = $${params.length}`);
  };
  if (f.email !== undefined) add('email_norm', normalizeEmail(f.email));
  if (f.phone !== undefined) add('phone', f.phone);
  if (f.external_id !== undefined) add('external_id', f.external_id);
  return { sql: parts.join(' AND '), params };
}

/**
 * Reads on pooled connections outside the writer's transaction, so they see only committed data. Text is ordered
 * with COLLATE "C" (byte order), as SQLite orders it, whatever the database's locale.
 */
export class PostgresReads {
  constructor(private readonly pool: pg.Pool) {}

  private async rows(text: string, values: unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query<Row>(text, values)).rows;
    } catch (error) {
      throw classify(error);
    }
  }

  private async one(text: string, values: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(text, values))[0];
  }

  async getEvent(accountId: number, id: number): Promise<StoredEvent | null> {
    const row = await this.one('SELECT * FROM events WHERE account_id = $1 AND id = $2', [accountId, id]);
    return row ? toStoredEvent(eventFromRow(row)) : null;
  }

  async listEvents(accountId: number, filter: EventFilter, page: Page) {
    const sql = eventListingSql(accountId, filter, page);
    const cap = sql.cap;
    const [rows, total] = await Promise.all([
      this.rows(sql.page.text, sql.page.values),
      this.one(sql.count.text, sql.count.values),
    ]);
    const counted = Number(total?.n);
    return {
      events: rows.map((r) => toStoredEvent(eventFromRow(r))),
      total: Math.min(counted, cap),
      capped: counted > cap,
    };
  }

  async findEventIdByIdempotencyKey(accountId: number, key: string) {
    const row = await this.one('SELECT id FROM events WHERE account_id = $1 AND idempotency_key = $2', [
      accountId,
      key,
    ]);
    return row ? (row.id as number) : null;
  }

  async findEventByIdempotencyKey(accountId: number, key: string) {
    const row = await this.one('SELECT * FROM events WHERE account_id = $1 AND idempotency_key = $2', [accountId, key]);
    return row ? { event: toStoredEvent(eventFromRow(row)), requestHash: row.request_hash as string | null } : null;
  }

  async getEventsByIds(ids: number[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows('SELECT * FROM events WHERE id = ANY($1::bigint[])', [ids]);
    return rows.map((r) => toStoredEvent(eventFromRow(r)));
  }

  async getContactProfile(accountId: number, id: number): Promise<ContactProfile | null> {
    const row = await this.one('SELECT * FROM contacts WHERE account_id = $1 AND id = $2', [accountId, id]);
    return row ? this.profile(row) : null;
  }

  async listContacts(accountId: number, f: ContactFilter, page: Page) {
    const where = contactWhere(accountId, f);
    const n = where.params.length;
    const [rows, total] = await Promise.all([
      this.rows(
        `SELECT * FROM contacts WHERE ${where.sql} ORDER BY merged_into IS NOT NULL, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...where.params, page.limit, page.offset],
      ),
      this.one(`SELECT count(*) AS n FROM contacts WHERE ${where.sql}`, where.params),
    ]);
    return { contacts: await Promise.all(rows.map((r) => this.profile(r))), total: total?.n as number };
  }

  private async profile(row: Row): Promise<ContactProfile> {
    const contact = contactFromRow(row);
    const [ids, stats] = await Promise.all([
      this.rows(
        `SELECT anonymous_id FROM anonymous_ids WHERE account_id = $1 AND contact_id = $2
        ORDER BY created_at, anonymous_id COLLATE "C"`,
        [contact.account_id, contact.id],
      ),
      this.one(
        `SELECT count(*) AS event_count, min(occurred_at) AS first_seen, max(occurred_at) AS last_seen
        FROM events WHERE account_id = $1 AND contact_id = $2`,
        [contact.account_id, contact.id],
      ),
    ]);
    return toContactProfile(
      contact,
      ids.map((r) => r.anonymous_id as string),
      stats as unknown as ContactStats,
    );
  }

  async listEventSchemas(accountId: number): Promise<EventSchemaSummary[]> {
    const rows = await this.rows('SELECT * FROM event_schemas WHERE account_id = $1 ORDER BY event COLLATE "C"', [
      accountId,
    ]);
    return rows.map((r) => ({
      event: r.event as string,
      properties: r.properties as EventSchemaSummary['properties'],
      first_seen: new Date(r.first_seen as number).toISOString(),
      last_seen: new Date(r.last_seen as number).toISOString(),
    }));
  }

  async getAccount(id: number): Promise<AccountRecord | null> {
    const row = await this.one('SELECT * FROM accounts WHERE id = $1', [id]);
    return row ? accountFromRow(row) : null;
  }

  async authVersion() {
    return Number((await this.one('SELECT version FROM auth_version WHERE id = 1'))?.version);
  }

  async countAccounts() {
    return (await this.one('SELECT count(*) AS n FROM accounts'))?.n as number;
  }

  async findKeysByPrefix(prefix: string): Promise<KeyRecord[]> {
    return (await this.rows('SELECT * FROM api_keys WHERE prefix = $1', [prefix])).map(keyFromRow);
  }

  async listKeys(accountId: number): Promise<KeyRecord[]> {
    return (await this.rows('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY id', [accountId])).map(keyFromRow);
  }

  async maxEventId() {
    return ((await this.one('SELECT max(id) AS id FROM events'))?.id as number | null) ?? 0;
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1');
  }
}
