/**
 * The events table's indexes, the same on every store: one for each list filter of GET /v1/events and for the
 * pipeline's lookups (idempotency key, a contact's latest event of a name). Part of migration 1 of both adapters.
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
