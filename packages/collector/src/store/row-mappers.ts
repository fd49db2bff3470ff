import { defaultTimeZone } from '@tracklet/protocol';
import { type AccountRecord, type ContactRecord, noRateLimit } from './records.js';

type Row = Record<string, unknown>;

/** Turns a stored JSON column into its value: SQLite hands back text, PostgreSQL's jsonb an already parsed value. */
export type DecodeJson = <T>(value: unknown, fallback: T) => T;

/** A contacts row as a record, whatever the backend; `decode` reads its JSON columns. */
export function contactFromColumns(r: Row, decode: DecodeJson): ContactRecord {
  return {
    id: r.id as number,
    account_id: r.account_id as number,
    email: r.email as string | null,
    phone: r.phone as string | null,
    external_id: r.external_id as string | null,
    attributes: decode<ContactRecord['attributes']>(r.attributes, {}),
    first_touch: decode<ContactRecord['first_touch']>(r.first_touch, null),
    last_touch: decode<ContactRecord['last_touch']>(r.last_touch, null),
    merged_into: r.merged_into as number | null,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}

/** An accounts row as a record, whatever the backend; `decode` reads its JSON columns. */
export function accountFromColumns(r: Row, decode: DecodeJson): AccountRecord {
  return {
    id: r.id as number,
    name: r.name as string,
    allowed_origins: decode<string[]>(r.allowed_origins, []),
    allowed_events: decode<string[] | null>(r.allowed_events, null),
    rate_limit: { ...noRateLimit, ...decode<Partial<AccountRecord['rate_limit']>>(r.rate_limit, {}) },
    timezone: (r.timezone as string | null) ?? defaultTimeZone,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}
