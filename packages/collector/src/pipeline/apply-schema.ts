import type { ApiError, PropertyType } from '@tracklet/protocol';
import { apiError, errorList } from '../errors.js';
import type { EventSchemaRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import type { PendingEvent } from './context.js';
import { acceptsType, inferPropertyType } from './infer-property-type.js';

/** last_seen is refreshed at most this often, so steady traffic does not rewrite the schema row every event. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** The event's properties against the stored schema: the new ones with their types, and the mismatches. */
function compare(schema: EventSchemaRecord, e: PendingEvent) {
  const problems: ApiError[] = [];
  const added: Record<string, PropertyType> = {};
  for (const [name, value] of Object.entries(e.data)) {
    const given = inferPropertyType(value);
    if (given === null) continue;
    const stored = schema.properties[name];
    if (stored === undefined) added[name] = given;
    else if (!acceptsType(stored, given)) {
      problems.push(apiError('property_type_mismatch', `data.${name} was ${stored}, got ${given}`, `data.${name}`));
    }
  }
  return { problems, added };
}

async function readSchema(tx: StoreTx, e: PendingEvent, fresh = false): Promise<EventSchemaRecord> {
  return (
    (await tx.getEventSchema(e.accountId, e.event, { fresh })) ?? {
      account_id: e.accountId,
      event: e.event,
      properties: {},
      first_seen: e.receivedAt,
      last_seen: 0,
    }
  );
}

/**
 * Per-account, per-event property schemas: the first time a property is seen its type is inferred and kept
 * forever; a value of another type is a 400 property_type_mismatch naming property, stored type and given type.
 * Only checks: it runs before the event's unit writes anything, so a mismatch leaves nothing behind. Returns the
 * schema row to save once the event is kept (`saveSchema`), or null when the stored one stays as it is.
 */
export async function checkSchema(tx: StoreTx, e: PendingEvent): Promise<EventSchemaRecord | null> {
  let schema = await readSchema(tx, e);
  let { problems, added } = compare(schema, e);
  if (problems.length === 0 && Object.keys(added).length > 0) {
    // New properties get their type under the schema's lock, on a fresh read: another collector sharing the
    // database may be typing the same property right now (StoreTx.lockIdentity; nothing on SQLite).
    await tx.lockIdentity(e.accountId, `event_schema:${e.event}`);
    schema = await readSchema(tx, e, true);
    ({ problems, added } = compare(schema, e));
  }
  if (problems.length > 0) throw errorList(problems);
  if (Object.keys(added).length === 0 && e.receivedAt - schema.last_seen < LAST_SEEN_GRANULARITY_MS) return null;
  return { ...schema, properties: { ...schema.properties, ...added }, last_seen: e.receivedAt };
}

/** Saves what `checkSchema` decided, once the event is kept. */
export async function saveSchema(tx: StoreTx, schema: EventSchemaRecord | null): Promise<void> {
  if (schema) await tx.putEventSchema(schema);
}
