import { rollupsSchemaSql } from '../rollups-schema.js';
import type pg from 'pg';
import { statsSchemaSql } from '../stats-schema.js';
import { addVisitsTable } from './backfill-visits.js';
import { webhookOutboxSql, webhooksSchemaSql } from '../../webhooks/schema-sql.js';
import { authVersionSql, eventIndexChangesSql, eventIndexesSql } from '../event-indexes.js';
import { lockAndReadFunctionSql, lockAndReadWithIdentitiesSql } from './lock-and-read-sql.js';

/**
 * Versioned schema, the same tables, constraints and indexes as the SQLite store (store/sqlite/migrations.ts); the
 * versions that ran are rows of `schema_migrations`. Append only. SQL, or code that runs SQL. Times are BIGINT epoch ms (what output.ts turns
 * into ISO strings, so both stores answer alike); ids of contacts, accounts and keys come from identity columns,
 * which never hand out an id twice; event ids come from the collector's generator.
 */
const migrations: Array<string | ((client: pg.PoolClient) => Promise<void>)> = [
  `CREATE TABLE accounts (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL,
     allowed_origins JSONB NOT NULL DEFAULT '[]', allowed_events JSONB,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE TABLE api_keys (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id), type TEXT NOT NULL,
     prefix TEXT NOT NULL, hash TEXT NOT NULL, scopes JSONB NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT);
   CREATE INDEX api_keys_prefix ON api_keys(prefix);
   CREATE TABLE contacts (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id BIGINT NOT NULL, email TEXT, email_norm TEXT,
     phone TEXT, external_id TEXT, attributes JSONB NOT NULL DEFAULT '{}', first_touch JSONB, last_touch JSONB,
     merged_into BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   CREATE UNIQUE INDEX contacts_email ON contacts(account_id, email_norm) WHERE email_norm IS NOT NULL AND merged_into IS NULL;
   CREATE UNIQUE INDEX contacts_external_id ON contacts(account_id, external_id) WHERE external_id IS NOT NULL AND merged_into IS NULL;
   CREATE INDEX contacts_phone ON contacts(account_id, phone) WHERE phone IS NOT NULL;
   CREATE INDEX contacts_account ON contacts(account_id, id);
   CREATE TABLE anonymous_ids (
     account_id BIGINT NOT NULL, anonymous_id TEXT NOT NULL, contact_id BIGINT NOT NULL, created_at BIGINT NOT NULL,
     PRIMARY KEY (account_id, anonymous_id));
   CREATE INDEX anonymous_ids_contact ON anonymous_ids(account_id, contact_id);
   CREATE TABLE events (
     id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, contact_id BIGINT NOT NULL, user_id BIGINT,
     anonymous_id TEXT, session_id TEXT, event TEXT NOT NULL, amount DOUBLE PRECISION, data JSONB NOT NULL,
     idempotency_key TEXT, request_hash TEXT, resource_uid TEXT, resource_name TEXT, resource_url TEXT,
     url TEXT, title TEXT, test BOOLEAN NOT NULL, generated BOOLEAN NOT NULL, chain_depth INTEGER NOT NULL,
     ip TEXT, user_agent TEXT, browser TEXT, os TEXT, device_type TEXT, referrer TEXT,
     utm_source TEXT, utm_medium TEXT, utm_term TEXT, utm_content TEXT, utm_campaign TEXT, click_ids JSONB,
     occurred_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
   ${eventIndexesSql}
   CREATE TABLE orders (
     account_id BIGINT NOT NULL, order_id TEXT NOT NULL, event_id BIGINT NOT NULL, PRIMARY KEY (account_id, order_id));
   CREATE INDEX orders_event ON orders(event_id);
   CREATE TABLE event_schemas (
     account_id BIGINT NOT NULL, event TEXT NOT NULL, properties JSONB NOT NULL,
     first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, PRIMARY KEY (account_id, event));`,
  // 2 (issue #7): per-account request budgets, {"api_per_minute","beacons_per_minute"}; NULL = server defaults.
  'ALTER TABLE accounts ADD COLUMN rate_limit JSONB;',
  // 3 (issue #6): fewer index updates per inserted event.
  eventIndexChangesSql + authVersionSql,
  // 4 (issue #6): locks and reads of a group transaction in one round trip.
  lockAndReadFunctionSql,
  // 5 (issue #6): the same function reads the contacts by email, phone and external id too.
  lockAndReadWithIdentitiesSql,
  // 6 (issue #18): country, the stats' time index, the referrer list.
  statsSchemaSql(),
  // 7 (issue #19): the account's time zone, the stats' default zone.
  "ALTER TABLE accounts ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';",
  // 8 (issue #18): visits kept at write time, filled from the events stored before.
  addVisitsTable,
  // 9 (issue #21): outgoing webhooks: endpoints, the deliveries' outbox, settings.
  webhooksSchemaSql('postgres'),
  // 10 (issue #18): the stats' daily rollups and the days late writes made stale.
  rollupsSchemaSql('postgres'),
  // 11 (issue #21): one small outbox row per event, fanned out to the endpoints by the worker.
  webhookOutboxSql('postgres'),
];

/**
 * Runs the migrations this database has not seen yet, each in its own transaction. Every transaction first takes
 * one advisory lock, so collectors starting together run each migration once: the second waits, then sees it done.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      await client.query('BEGIN');
      try {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended('tracklet:schema_migrations', 0))");
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
        );
        const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
        if (done.rowCount === 0) {
          if (typeof sql === 'string') await client.query(sql);
          else await sql(client);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            version,
            Date.now(),
          ]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A client that failed is dropped, not handed back to the pool.
    client.release(failure);
  }
}
