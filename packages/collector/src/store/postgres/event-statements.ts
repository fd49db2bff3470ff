import type pg from 'pg';
import { toStoredEvent } from '../output.js';
import type { EventSchemaRecord } from '../records.js';
import { contactColumnList, eventColumnList, eventFromRow, jsonb, type Row, schemaFromRow } from './rows.js';
import { visitColumns } from '../visit-rows.js';
import { visitUpsertSql } from '../visits-schema.js';
import { DAY_MS, staleUpsertSql } from '../rollups-schema.js';
import type { HeldWrites, Replay } from './tx-cache.js';

/**
 * The held-back writes as JSON parameters: $1 the new contacts (ids drawn ahead), $2 their visitors' links, $3 events,
 * $4 what those events add to their visits (issue #18; one row a visit, sorted, so writers lock visits in one order);
 * then the stats' stale days (stale-days.ts): $5 those of late events, $6 the moment before which a visit that goes on
 * marks the day it started.
 */
const heldWritesSql = `WITH new_contacts AS (INSERT INTO contacts (${contactColumnList}) OVERRIDING SYSTEM VALUE
    SELECT ${contactColumnList} FROM json_populate_recordset(NULL::contacts, $1)),
  new_links AS (INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at)
    SELECT account_id, anonymous_id, contact_id, created_at FROM json_populate_recordset(NULL::anonymous_ids, $2)
    ON CONFLICT (account_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id),
  new_visits AS (${visitUpsertSql(`SELECT ${visitColumns.join(', ')} FROM json_populate_recordset(NULL::visits, $4)`)}
    RETURNING account_id, test, started_at),
  stale AS (${staleUpsertSql(`SELECT account_id, test, started_at / ${DAY_MS} AS day FROM new_visits
      WHERE started_at < $6::bigint
    UNION SELECT account_id, test, day FROM json_populate_recordset(NULL::stats_stale, $5)`)})
  INSERT INTO events (${eventColumnList}) SELECT ${eventColumnList} FROM json_populate_recordset(NULL::events, $3)`;

/** One statement for all of them: contact ids were drawn ahead, so no part waits for another's answer. */
export async function sendHeldWrites(client: pg.PoolClient, held: HeldWrites): Promise<void> {
  await client.query(heldWritesSql, held);
}

export async function selectReplay(client: pg.PoolClient, accountId: number, key: string): Promise<Replay> {
  const sql = 'SELECT * FROM events WHERE account_id = $1 AND idempotency_key = $2';
  const [row] = (await client.query<Row>(sql, [accountId, key])).rows;
  return row ? { event: toStoredEvent(eventFromRow(row)), requestHash: row.request_hash as string | null } : null;
}

export async function selectOrder(client: pg.PoolClient, accountId: number, orderId: string): Promise<number | null> {
  const sql = 'SELECT event_id FROM orders WHERE account_id = $1 AND order_id = $2';
  const [row] = (await client.query<Row>(sql, [accountId, orderId])).rows;
  return row ? (row.event_id as number) : null;
}

export async function insertOrder(client: pg.PoolClient, accountId: number, orderId: string, eventId: number) {
  const sql = 'INSERT INTO orders (account_id, order_id, event_id) VALUES ($1, $2, $3)';
  await client.query(sql, [accountId, orderId, eventId]);
}

export async function selectLastEmailOpen(client: pg.PoolClient, accountId: number, contactId: number) {
  // The event name is a literal, so the partial index events_email_open serves it.
  const sql = `SELECT max(created_at) AS at FROM events WHERE account_id = $1 AND contact_id = $2 AND event = 'email_open'`;
  const [row] = (await client.query<Row>(sql, [accountId, contactId])).rows;
  return (row?.at as number | null | undefined) ?? null;
}

export async function selectSchema(client: pg.PoolClient, accountId: number, event: string) {
  const sql = 'SELECT * FROM event_schemas WHERE account_id = $1 AND event = $2';
  const [row] = (await client.query<Row>(sql, [accountId, event])).rows;
  return row ? schemaFromRow(row) : null;
}

/** Merges: a property another collector stored meanwhile keeps its type (jsonb `||`: the right side wins). */
export async function upsertSchema(client: pg.PoolClient, s: EventSchemaRecord): Promise<void> {
  await client.query(
    `INSERT INTO event_schemas (account_id, event, properties, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (account_id, event) DO UPDATE SET last_seen = greatest(event_schemas.last_seen, excluded.last_seen),
      properties = excluded.properties || event_schemas.properties`,
    [s.account_id, s.event, jsonb(s.properties), s.first_seen, s.last_seen],
  );
}
