import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIds, DistinctCounter, encodeIds, idsOfList } from '../src/stats/visitor-ids.js';

/** The rollups' visitor ids (issue #18): stored as blobs, counted as a union across days. */
describe('rollup visitor ids', () => {
  it('reads a SQL id list sorted, and an empty or NULL one as none', () => {
    expect([...idsOfList('5,1,30')]).toEqual([1, 5, 30]);
    expect(idsOfList(null).length).toBe(0);
    expect(idsOfList('').length).toBe(0);
  });

  it('stores ids as a blob and reads them back, 4 bytes an id up to 2^32 and 8 beyond', () => {
    const small = idsOfList('7,3,4294967295');
    expect(encodeIds(small).length).toBe(1 + 3 * 4);
    expect([...decodeIds(encodeIds(small))]).toEqual([3, 7, 4294967295]);
    const large = idsOfList('2,9007199254740991');
    expect(encodeIds(large).length).toBe(1 + 2 * 8);
    expect([...decodeIds(encodeIds(large))]).toEqual([2, 9007199254740991]);
    // A blob inside a larger buffer at an odd offset, as a driver may hand it over.
    const inside = Buffer.concat([Buffer.from([0, 0, 0]), encodeIds(small)]).subarray(3);
    expect([...decodeIds(inside)]).toEqual([3, 7, 4294967295]);
  });

  it('counts the distinct ids of many lists as a Set of them all would, call after call', () => {
    const counter = new DistinctCounter();
    const list = fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 });
    fc.assert(
      fc.property(fc.array(list, { maxLength: 8 }), (lists) => {
        const sorted = lists.map((ids) => Uint32Array.from(ids.sort((a, b) => a - b)));
        expect(counter.count(sorted)).toBe(new Set(lists.flat()).size);
      }),
    );
  });

  it('counts ids beyond the bitmap with a Set', () => {
    const counter = new DistinctCounter();
    expect(counter.count([idsOfList('1,300000000'), idsOfList('1,2,300000000')])).toBe(3);
  });
});
