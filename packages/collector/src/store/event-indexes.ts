/**
 * The events table's indexes, the same on every store: one for each list filter of GET /v1/events and for the
 * pipeline's lookups (idempotency key, a contact's latest event of a name). Part of migration 1 of both adapters;
 * migration 3 changes them (`eventIndexChangesSql`).
 */
export const eventIndexesSql = `
   CREATE UNIQUE INDEX events_idempotency_key ON events(account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
   CREATE INDEX events_account ON events(account_id, id);
   CREATE INDEX events_event ON events(account_id, event, id);
   CREATE INDEX events_contact ON events(account_id, contact_id, id);
   CREATE INDEX events_contact_event ON events(account_id, contact_id, event, created_at);
   CREATE INDEX events_anonymous_id ON events(account_id, anonymous_id, id);
   CREATE INDEX events_resource_uid ON events(account_id, resource_uid, id);
   CREATE INDEX events_resource_name ON events(account_id, resource_name, id);
   CREATE INDEX events_created_at ON events(account_id, created_at, id);
   CREATE INDEX events_test ON events(account_id, test, id);`;

/**
 * Migration 3 (issue #6): every secondary index costs each insert a B-tree update, and the ones on random keys
 * (contact, anonymous id, idempotency key) cost the most. The email_open throttle is the only reader of the contact +
 * event index, so it becomes a partial index on email_open events alone; resource filters index only the events
 * that have a resource.
 */
export const eventIndexChangesSql = `
   DROP INDEX events_contact_event;
   CREATE INDEX events_email_open ON events(account_id, contact_id, created_at) WHERE event = 'email_open';
   DROP INDEX events_resource_uid;
   CREATE INDEX events_resource_uid ON events(account_id, resource_uid, id) WHERE resource_uid IS NOT NULL;
   DROP INDEX events_resource_name;
   CREATE INDEX events_resource_name ON events(account_id, resource_name, id) WHERE resource_name IS NOT NULL;`;

/**
 * Migration 3 (issue #6): one row counting changes to keys and accounts, bumped in the transaction that makes them.
 * Authentication caches keys and accounts per process and re-reads them only when this number moved, so a key
 * revoked through any process sharing the database is refused at once everywhere, for one tiny read per request.
 */
export const authVersionSql = `
   CREATE TABLE auth_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
   INSERT INTO auth_version (id, version) VALUES (1, 0);`;
