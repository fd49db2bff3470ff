import type { RollupRow } from './rollup-build.js';

/** The sums of a row, in the body's header order (the visitors are the ids after it). */
type Header = [string | null, number, number, number, number, number, number, number, number];

/**
 * One local day's rollup rows as one blob: a 4-byte length, a JSON header (each value with its sums and how many
 * visitor ids it has), then every row's ids back to back, 4 bytes each (8 when an id is over 2^32). Read back as
 * views into one copy of the ids: a day of 500 pages is one row to read and one JSON.parse.
 */
export function encodeDay(rows: RollupRow[]): Buffer {
  const header: Header[] = rows.map((r) => [
    r.value,
    r.pageviews,
    r.events,
    r.revenue,
    r.visits,
    r.bounces,
    r.durationMs,
    r.visitPageviews,
    r.visitors.length,
  ]);
  const wide = rows.some((r) => r.visitors instanceof Float64Array);
  const count = rows.reduce((sum, r) => sum + r.visitors.length, 0);
  const ids = wide ? new Float64Array(count) : new Uint32Array(count);
  let at = 0;
  for (const r of rows) {
    ids.set(r.visitors, at);
    at += r.visitors.length;
  }
  const json = Buffer.from(JSON.stringify({ wide, rows: header }));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(json.length);
  return Buffer.concat([head, json, Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength)]);
}

export function decodeDay(day: string, blob: Uint8Array): RollupRow[] {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const jsonLength = bytes.readUInt32LE(0);
  const { wide, rows } = JSON.parse(bytes.toString('utf8', 4, 4 + jsonLength)) as { wide: boolean; rows: Header[] };
  // Copied out once: a driver's buffer need not be aligned for a typed array.
  const body = new Uint8Array(bytes.length - 4 - jsonLength);
  body.set(bytes.subarray(4 + jsonLength));
  const ids = wide ? new Float64Array(body.buffer) : new Uint32Array(body.buffer);
  let at = 0;
  return rows.map(([value, pageviews, events, revenue, visits, bounces, durationMs, visitPageviews, count]) => {
    const visitors = ids.subarray(at, at + count);
    at += count;
    return { day, value, visitors, pageviews, events, revenue, visits, bounces, durationMs, visitPageviews };
  });
}
