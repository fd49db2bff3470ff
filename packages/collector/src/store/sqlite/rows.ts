import { type AccountRecord, type ContactRecord, type EventRecord, type KeyRecord, noRateLimit } from '../records.js';

export { eventColumns } from '../records.js';

type Row = Record<string, unknown>;
const json = <T>(text: unknown, fallback: T): T => (typeof text === 'string' ? (JSON.parse(text) as T) : fallback);

/** Named parameters for an INSERT of every event column. */
export function eventParams(e: EventRecord): Row {
  return { ...e, data: JSON.stringify(e.data), click_ids: e.click_ids && JSON.stringify(e.click_ids),
    test: e.test ? 1 : 0, generated: e.generated ? 1 : 0 };
}

export function eventFromRow(r: Row): EventRecord {
  return {
    ...(r as unknown as EventRecord),
    data: json(r.data, {}),
    click_ids: json(r.click_ids, null),
    test: r.test === 1,
    generated: r.generated === 1,
  };
}

export function contactFromRow(r: Row): ContactRecord {
  return {
    id: r.id as number,
    account_id: r.account_id as number,
    email: r.email as string | null,
    phone: r.phone as string | null,
    external_id: r.external_id as string | null,
    attributes: json(r.attributes, {}),
    first_touch: json(r.first_touch, null),
    last_touch: json(r.last_touch, null),
    merged_into: r.merged_into as number | null,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}

export function accountFromRow(r: Row): AccountRecord {
  return {
    id: r.id as number,
    name: r.name as string,
    allowed_origins: json(r.allowed_origins, []),
    allowed_events: json(r.allowed_events, null),
    rate_limit: { ...noRateLimit, ...json(r.rate_limit, {}) },
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}

export function keyFromRow(r: Row): KeyRecord {
  return { ...(r as unknown as KeyRecord), scopes: json(r.scopes, []) };
}
