import type { AccountRecord, ContactRecord, EventRecord, KeyRecord } from '../records.js';
import { accountFromColumns, contactFromColumns, type DecodeJson } from '../row-mappers.js';

import { eventColumns } from '../records.js';

export { eventColumns };

type Row = Record<string, unknown>;
const json: DecodeJson = (text, fallback) => (typeof text === 'string' ? JSON.parse(text) : fallback);

/** Positional parameters for an INSERT of every event column, in `eventColumns` order. */
export function eventParams(e: EventRecord): unknown[] {
  return eventColumns.map((column) => {
    if (column === 'data') return JSON.stringify(e.data);
    if (column === 'click_ids') return e.click_ids && JSON.stringify(e.click_ids);
    if (column === 'test' || column === 'generated') return e[column] ? 1 : 0;
    return e[column];
  });
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
