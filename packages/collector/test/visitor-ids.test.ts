import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DayColumns, decodeDay, encodeDay, readIds, SUMS } from '../src/stats/rollup-body.js';
import { DistinctCounter, idsOfList, type VisitorIds } from '../src/stats/visitor-ids.js';

/** A day's columns as rows again, each with its own ids. */
function rowsOf(columns: DayColumns) {
  const { day, values, sums, counts } = columns;
  return values.map((value, i) => {
    const ids = new Float64Array(counts[i]!);
    const row = { day, value, visitors: [...ids.subarray(0, readIds(columns, i, ids))] } as Record<string, unknown>;
    SUMS.forEach((name, j) => (row[name] = sums[i * SUMS.length + j]));
    return row;
  });
}

/** The distinct ids of whole lists, through one counter. */
function countOf(counter: DistinctCounter, lists: VisitorIds[]): number {
  for (const ids of lists) counter.add(ids);
  return counter.total();
}

/** The rollups' visitor ids (issue #18): stored a day a blob, counted as a union across days. */
describe('rollup visitor ids', () => {
  it('reads a SQL id list sorted, and an empty or NULL one as none', () => {
    expect([...idsOfList('5,1,30')]).toEqual([1, 5, 30]);
    expect(idsOfList(null).length).toBe(0);
    expect(idsOfList('').length).toBe(0);
  });

  it('stores a day of rows as one blob and reads them back, ids up to 2^53 as varint differences', () => {
    const row = (value: string | null, ids: string) => ({
      day: '2026-11-20',
      value,
      visitors: idsOfList(ids),
      pageviews: 3,
      events: 4,
      revenue: 9.5,
      visits: 2,
      bounces: 1,
      durationMs: 60_000,
      visitPageviews: 3,
    });
    const narrow = [row('/', '7,3,4294967295'), row(null, ''), row('/b', '5')];
    const blob = encodeDay(narrow);
    expect(rowsOf(decodeDay('2026-11-20', blob))).toEqual(narrow.map((r) => ({ ...r, visitors: [...r.visitors] })));
    // A blob inside a larger buffer at an odd offset, as a driver may hand it over.
    const inside = Buffer.concat([Buffer.from([0, 0, 0]), blob]).subarray(3);
    expect(rowsOf(decodeDay('2026-11-20', inside))[0]!.visitors).toEqual([3, 7, 4294967295]);
    const wide = [row('/', '2,9007199254740991'), row('/b', '1')];
    const decoded = decodeDay('2026-11-20', encodeDay(wide));
    expect(rowsOf(decoded).map((r) => r.visitors)).toEqual([[2, 9007199254740991], [1]]);
  });

  it('counts the distinct ids of many lists as a Set of them all would, call after call', () => {
    const counter = new DistinctCounter();
    const list = fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 });
    fc.assert(
      fc.property(fc.array(list, { maxLength: 8 }), (lists) => {
        const sorted = lists.map((ids) => Uint32Array.from(ids.sort((a, b) => a - b)));
        expect(countOf(counter, sorted)).toBe(new Set(lists.flat()).size);
      }),
    );
  });

  it('counts ids beyond the bitmap with a Set, those in the bitmap with them, and starts over after', () => {
    const counter = new DistinctCounter();
    expect(countOf(counter, [idsOfList('1,2'), idsOfList('1,300000000'), idsOfList('2,3,300000000')])).toBe(4);
    expect(countOf(counter, [idsOfList('5')])).toBe(1);
    counter.add(idsOfList('1,2,3,4'), 1, 3);
    expect(counter.total()).toBe(2);
  });
});
