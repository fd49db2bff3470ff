import { rollupsSchemaSql } from '../rollups-schema.js';
import type Database from 'better-sqlite3';
import { statsSchemaSql } from '../stats-schema.js';
import { addVisitsTable } from './sqlite-visits.js';
import { webhookOutboxSql, webhooksSchemaSql } from '../../webhooks/schema-sql.js';
import { authVersionSql, eventIndexChangesSql, eventIndexesSql } from '../event-indexes.js';

/** Versioned schema; `PRAGMA user_version` records how many have run. Append only. SQL, or code that runs SQL. */
const migrations: Array<string | ((db: Database.Database) => void)> = [
  `CREATE TABLE accounts (
     id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, allowed_origins TEXT NOT NULL DEFAULT '[]', allowed_events TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE api_keys (
     id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL REFERENCES accounts(id), type TEXT NOT NULL,
     prefix TEXT NOT NULL, hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);
   CREATE INDEX api_keys_prefix ON api_keys(prefix);
   CREATE TABLE contacts (
     id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, email TEXT, email_norm TEXT, phone TEXT, external_id TEXT,
     attributes TEXT NOT NULL DEFAULT '{}', first_touch TEXT, last_touch TEXT, merged_into INTEGER,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE UNIQUE INDEX contacts_email ON contacts(account_id, email_norm) WHERE email_norm IS NOT NULL AND merged_into IS NULL;
   CREATE UNIQUE INDEX contacts_external_id ON contacts(account_id, external_id) WHERE external_id IS NOT NULL AND merged_into IS NULL;
   CREATE INDEX contacts_phone ON contacts(account_id, phone) WHERE phone IS NOT NULL;
   CREATE INDEX contacts_account ON contacts(account_id, id);
   CREATE TABLE anonymous_ids (
     account_id INTEGER NOT NULL, anonymous_id TEXT NOT NULL, contact_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (account_id, anonymous_id)) WITHOUT ROWID;
   CREATE INDEX anonymous_ids_contact ON anonymous_ids(account_id, contact_id);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, user_id INTEGER,
     anonymous_id TEXT, session_id TEXT, event TEXT NOT NULL, amount REAL, data TEXT NOT NULL,
     idempotency_key TEXT, request_hash TEXT, resource_uid TEXT, resource_name TEXT, resource_url TEXT,
     url TEXT, title TEXT, test INTEGER NOT NULL, generated INTEGER NOT NULL, chain_depth INTEGER NOT NULL,
     ip TEXT, user_agent TEXT, browser TEXT, os TEXT, device_type TEXT, referrer TEXT,
     utm_source TEXT, utm_medium TEXT, utm_term TEXT, utm_content TEXT, utm_campaign TEXT, click_ids TEXT,
     occurred_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   ${eventIndexesSql}
   CREATE TABLE orders (
     account_id INTEGER NOT NULL, order_id TEXT NOT NULL, event_id INTEGER NOT NULL,
     PRIMARY KEY (account_id, order_id)) WITHOUT ROWID;
   CREATE INDEX orders_event ON orders(event_id);
   CREATE TABLE event_schemas (
     account_id INTEGER NOT NULL, event TEXT NOT NULL, properties TEXT NOT NULL,
     first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (account_id, event)) WITHOUT ROWID;`,
  // 2 (issue #7): per-account request budgets, JSON {"api_per_minute","beacons_per_minute"}; NULL = server defaults.
  'ALTER TABLE accounts ADD COLUMN rate_limit TEXT;',
  // 3 (issue #6): fewer index updates per inserted event.
  eventIndexChangesSql + authVersionSql,
  // 4 (issue #18): country, the stats' time index, the referrer list.
  statsSchemaSql(),
  // 5 (issue #19): the account's time zone, the stats' default zone.
  "ALTER TABLE accounts ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';",
  // 6 (issue #18): visits kept at write time, filled from the events stored before.
  addVisitsTable,
  // 7 (issue #21): outgoing webhooks: endpoints, the deliveries' outbox, settings.
  webhooksSchemaSql('sqlite'),
  // 8 (issue #18): the stats' daily rollups and the days late writes made stale.
  rollupsSchemaSql('sqlite'),
  // 9 (issue #21): one small outbox row per event, fanned out to the endpoints by the worker.
  webhookOutboxSql('sqlite'),
];

/** Runs the migrations this database has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): void {
  const done = db.pragma('user_version', { simple: true }) as number;
  migrations.slice(done).forEach((sql, i) => {
    db.transaction(() => {
      if (typeof sql === 'string') db.exec(sql);
      else sql(db);
      db.pragma(`user_version = ${done + i + 1}`);
    })();
  });
}
