/**
 * Outgoing webhooks' tables (issue #21), the same in both stores but for the id columns. Times are epoch ms; JSON
 * (events, payload) is TEXT in both, since only the collector reads it. `settings` keeps the generated secrets key when
 * TRACKLET_WEBHOOK_KEY is unset (secrets.ts).
 */
export function webhooksSchemaSql(dialect: 'sqlite' | 'postgres'): string {
  const id =
    dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE webhook_endpoints (
     id ${id}, account_id ${int} NOT NULL, url TEXT NOT NULL, events TEXT NOT NULL, description TEXT NOT NULL,
     enabled INTEGER NOT NULL, disabled_reason TEXT, secret TEXT NOT NULL, previous_secret TEXT,
     previous_secret_expires_at ${int}, failing_since ${int}, created_at ${int} NOT NULL, updated_at ${int} NOT NULL);
   CREATE INDEX webhook_endpoints_account ON webhook_endpoints(account_id, id);
   CREATE TABLE webhook_deliveries (
     id ${id}, endpoint_id ${int} NOT NULL, account_id ${int} NOT NULL, contact_id ${int}, event_id ${int},
     type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
     next_attempt_at ${int}, lease_until ${int}, last_status_code INTEGER, last_error TEXT, last_duration_ms INTEGER,
     created_at ${int} NOT NULL, delivered_at ${int});
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries(endpoint_id, next_attempt_at) WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_order ON webhook_deliveries(endpoint_id, contact_id, id) WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_listing ON webhook_deliveries(endpoint_id, id);
   CREATE INDEX webhook_deliveries_delivered ON webhook_deliveries(delivered_at) WHERE status = 'delivered';
   CREATE TABLE webhook_attempts (
     delivery_id ${int} NOT NULL, attempt INTEGER NOT NULL, at ${int} NOT NULL, status_code INTEGER, error TEXT,
     duration_ms INTEGER NOT NULL, PRIMARY KEY (delivery_id, attempt));`;
}

/**
 * The webhooks' outbox (issue #21): one row per stored event (and per merge) that some endpoint subscribed to when it
 * was stored, written in the event's transaction; no index but its key, so ingest pays one small insert an event
 * whatever the number of endpoints. The worker fans rows out into `webhook_deliveries`, one per endpoint, and deletes
 * them, in one transaction of its own (delivery-queue.ts), deferred while ingest is busy. An endpoint's `disabled_at`
 * says which rows queued before it was disabled are still its own.
 */
export function webhookOutboxSql(dialect: 'sqlite' | 'postgres'): string {
  const id = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `CREATE TABLE webhook_outbox (
     id ${id}, account_id ${int} NOT NULL, contact_id ${int}, event_id ${int}, type TEXT NOT NULL,
     payload TEXT NOT NULL, created_at ${int} NOT NULL);
   ALTER TABLE webhook_endpoints ADD COLUMN disabled_at ${int};
   UPDATE webhook_endpoints SET disabled_at = updated_at WHERE enabled = 0;`;
}
