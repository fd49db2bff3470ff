import pg from 'pg';
import type { AccountRecord, ContactRecord, EventRecord, EventSchemaRecord, KeyRecord } from '../records.js';
import { eventColumns } from '../records.js';
import { accountFromColumns, contactFromColumns, type DecodeJson } from '../row-mappers.js';

export type Row = Record<string, unknown>;

const INT8_OID = 20;

/**
 * BIGINT (ids, epoch-ms times, count(*)) as JS numbers: every value we store is ≤ Number.MAX_SAFE_INTEGER (ids.ts),
 * so the string pg returns by default would only make the two stores answer differently. Scoped to our pool, not
 * set globally. JSONB comes back parsed and DOUBLE PRECISION as numbers by pg's defaults.
 */
export const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A JSONB parameter: always JSON text, since pg would turn a JS array into a PostgreSQL array. SQL NULL stays NULL
 * (JSON.stringify(null) would be the JSON value null).
 */
export const jsonb = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

export const eventColumnList = eventColumns.join(', ');
/** Every contacts column, for inserting whole rows (a new visitor's contact, sent with the events). */
export const contactColumnList = [
  'id',
  'account_id',
  'email',
  'email_norm',
  'phone',
  'external_id',
  'attributes',
  'first_touch',
  'last_touch',
  'merged_into',
  'created_at',
  'updated_at',
].join(', ');
export function eventFromRow(r: Row): EventRecord {
  return {
    ...(r as unknown as EventRecord),
    data: (r.data ?? {}) as EventRecord['data'],
    click_ids: (r.click_ids ?? null) as EventRecord['click_ids'],
  };
}

/** jsonb columns arrive parsed; SQL NULL takes the fallback. */
const parsed: DecodeJson = (value, fallback) => (value ?? fallback) as typeof fallback;

export const contactFromRow = (r: Row): ContactRecord => contactFromColumns(r, parsed);

export const accountFromRow = (r: Row): AccountRecord => accountFromColumns(r, parsed);

export function keyFromRow(r: Row): KeyRecord {
  return { ...(r as unknown as KeyRecord), scopes: (r.scopes ?? []) as KeyRecord['scopes'] };
}

export function schemaFromRow(r: Row): EventSchemaRecord {
  return {
    ...(r as unknown as EventSchemaRecord),
    properties: (r.properties ?? {}) as EventSchemaRecord['properties'],
  };
}
