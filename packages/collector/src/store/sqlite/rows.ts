import type { AccountRecord, ContactRecord, EventRecord, KeyRecord } from '../records.js';
import { accountFromColumns, contactFromColumns, type DecodeJson } from '../row-mappers.js';

export { eventColumns } from '../records.js';

type Row = Record<string, unknown>;
const json: DecodeJson = (text, fallback) => (typeof text === 'string' ? JSON.parse(text) : fallback);

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

export const contactFromRow = (r: Row): ContactRecord => contactFromColumns(r, json);

export const accountFromRow = (r: Row): AccountRecord => accountFromColumns(r, json);

export function keyFromRow(r: Row): KeyRecord {
  return { ...(r as unknown as KeyRecord), scopes: json(r.scopes, []) };
}
