import type { RollupRow } from './rollup-build.js';
import type { VisitorIds } from './visitor-ids.js';

/** The sums a rollup row keeps, in the body's order. */
export const SUMS = ['pageviews', 'events', 'revenue', 'visits', 'bounces', 'durationMs', 'visitPageviews'] as const;

/** One local day's rollup rows, column by column: row i's sums are `sums[i * SUMS.length …]`. */
export interface DayColumns {
  day: string;
  values: Array<string | null>;
  sums: Float64Array;
  /** How many visitor ids each row has: row i's are the next `counts[i]` of `ids`. */
  counts: Float64Array;
  ids: VisitorIds;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * One day's rows as one blob: a 4-byte length, a JSON header (the values), then, from the next multiple of 8, the
 * sums and the id counts as float64 and every row's visitor ids back to back (4 bytes each, 8 when one is over
 * 2^32). A day of 500 pages is one row to read, one small JSON.parse, and typed-array views: nothing a row.
 */
export function encodeDay(rows: RollupRow[]): Buffer {
  const wide = rows.some((r) => r.visitors instanceof Float64Array);
  const json = Buffer.from(JSON.stringify({ wide, values: rows.map((r) => r.value) }));
  const numbers = new Float64Array(rows.length * (SUMS.length + 1));
  rows.forEach((r, i) => {
    SUMS.forEach((sum, j) => (numbers[i * SUMS.length + j] = r[sum]));
    numbers[rows.length * SUMS.length + i] = r.visitors.length;
  });
  const total = rows.reduce((n, r) => n + r.visitors.length, 0);
  const ids: VisitorIds = wide ? new Float64Array(total) : new Uint32Array(total);
  let at = 0;
  for (const r of rows) {
    ids.set(r.visitors, at);
    at += r.visitors.length;
  }
  const out = Buffer.alloc(align8(4 + json.length) + numbers.byteLength + ids.byteLength);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  const start = align8(4 + json.length);
  Buffer.from(numbers.buffer).copy(out, start);
  Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).copy(out, start + numbers.byteLength);
  return out;
}

export function decodeDay(day: string, blob: Uint8Array): DayColumns {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const jsonLength = bytes.readUInt32LE(0);
  const { wide, values } = JSON.parse(bytes.toString('utf8', 4, 4 + jsonLength)) as {
    wide: boolean;
    values: Array<string | null>;
  };
  let start = align8(4 + jsonLength);
  let source = bytes;
  // A driver's buffer need not be aligned for float64 views: then the numbers are copied out once.
  if ((bytes.byteOffset + start) % 8 !== 0) {
    source = Buffer.alloc(bytes.length - start);
    bytes.copy(source, 0, start);
    start = 0;
  }
  const n = values.length;
  const numbers = new Float64Array(source.buffer, source.byteOffset + start, n * (SUMS.length + 1));
  const idsStart = source.byteOffset + start + numbers.byteLength;
  const idsBytes = source.byteOffset + source.length - idsStart;
  const ids = wide
    ? new Float64Array(source.buffer, idsStart, idsBytes / 8)
    : new Uint32Array(source.buffer, idsStart, idsBytes / 4);
  return { day, values, sums: numbers.subarray(0, n * SUMS.length), counts: numbers.subarray(n * SUMS.length), ids };
}

/** Rows computed from the events as the columns of their days (so stored and computed days are summed alike). */
export function columnsOf(rows: RollupRow[]): DayColumns[] {
  const byDay = new Map<string, RollupRow[]>();
  for (const r of rows) {
    const dayRows = byDay.get(r.day);
    if (dayRows) dayRows.push(r);
    else byDay.set(r.day, [r]);
  }
  return [...byDay].map(([day, dayRows]) => decodeDay(day, encodeDay(dayRows)));
}
