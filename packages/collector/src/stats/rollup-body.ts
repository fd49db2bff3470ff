import type { RollupRow } from './rollup-build.js';
import type { VisitorIds } from './visitor-ids.js';

/** The sums a rollup row keeps, in the body's order. */
export const SUMS = ['pageviews', 'events', 'revenue', 'visits', 'bounces', 'durationMs', 'visitPageviews'] as const;

/** One local day's (or hour's) rollup rows, column by column: row i's sums are `sums[i * SUMS.length …]`. */
export interface DayColumns {
  day: string;
  values: Array<string | null>;
  sums: Float64Array;
  /** How many visitor ids each row has. */
  counts: Float64Array;
  /** The body: row i's ids are the varints in `bytes[idsAt[i], idsAt[i + 1])`, read only when counted (readIds). */
  bytes: Uint8Array;
  idsAt: Uint32Array;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Appends a row's ascending ids as LEB128 varints of their differences (the first from 0). */
function writeIds(ids: VisitorIds, out: number[]): void {
  let previous = 0;
  for (let i = 0; i < ids.length; i++) {
    let v = ids[i]! - previous;
    previous = ids[i]!;
    while (v >= 128) {
      out.push((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
}

/**
 * One day's rows as one blob: a 4-byte length, a JSON header (the values), then, from the next multiple of 8, the
 * sums and the id counts as float64, then each row's visitor ids as varints of their differences (1-2 bytes an id
 * where 4 would be fixed: the bodies are what a query reads, and PostgreSQL sends them as hex). A day of 500 pages is
 * one row to read, one small JSON.parse, and typed arrays: nothing a row.
 */
export function encodeDay(rows: RollupRow[]): Buffer {
  const json = Buffer.from(JSON.stringify({ values: rows.map((r) => r.value) }));
  const numbers = new Float64Array(rows.length * (SUMS.length + 1));
  const ids: number[] = [];
  rows.forEach((r, i) => {
    SUMS.forEach((sum, j) => (numbers[i * SUMS.length + j] = r[sum]));
    numbers[rows.length * SUMS.length + i] = r.visitors.length;
    writeIds(r.visitors, ids);
  });
  const start = align8(4 + json.length);
  const out = Buffer.alloc(start + numbers.byteLength + ids.length);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  Buffer.from(numbers.buffer).copy(out, start);
  out.set(ids, start + numbers.byteLength);
  return out;
}

/**
 * A body's columns. Its ids stay varints until a row's are counted: a breakdown's top rows need their exact union,
 * the long tail only its sums and bounds (stats/top-visitors.ts), so most ids are never decoded.
 */
export function decodeDay(day: string, blob: Uint8Array): DayColumns {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const jsonLength = bytes.readUInt32LE(0);
  const { values } = JSON.parse(bytes.toString('utf8', 4, 4 + jsonLength)) as { values: Array<string | null> };
  const n = values.length;
  const start = align8(4 + jsonLength);
  const numbers = new Float64Array(n * (SUMS.length + 1));
  // Copied: a driver's buffer need not be aligned for a float64 view.
  new Uint8Array(numbers.buffer).set(bytes.subarray(start, start + numbers.byteLength));
  const counts = numbers.subarray(n * SUMS.length);
  // Where each row's ids begin: every id's last byte is under 128.
  const idsAt = new Uint32Array(n + 1);
  let p = start + numbers.byteLength;
  for (let i = 0; i < n; i++) {
    idsAt[i] = p;
    for (let left = counts[i]!; left > 0; p++) if (bytes[p]! < 128) left--;
  }
  idsAt[n] = p;
  return { day, values, sums: numbers.subarray(0, n * SUMS.length), counts, bytes, idsAt };
}

/** Row i's ids into `out` (large enough: `counts[i]`), ascending. */
export function readIds({ bytes, idsAt }: DayColumns, i: number, out: Float64Array): number {
  let k = 0;
  let previous = 0;
  for (let p = idsAt[i]!, end = idsAt[i + 1]!; p < end;) {
    let v = 0;
    let scale = 1;
    let b: number;
    do {
      b = bytes[p++]!;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    previous += v;
    out[k++] = previous;
  }
  return k;
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
