import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visitorsForTop } from '../src/stats/top-visitors.js';

/** Groups of rows of visitor ids, as a breakdown's values over days: the union is a group's visitors. */
const unionOf = (rows: number[][]) => new Set(rows.flat()).size;
const boundsOf = (groups: number[][][]) => ({
  upper: Float64Array.from(groups, (rows) => rows.reduce((sum, ids) => sum + ids.length, 0)),
  lower: Float64Array.from(groups, (rows) => Math.max(0, ...rows.map((ids) => ids.length))),
});
/** The first `n` groups ordered by visitors, largest first, ties by position (as a breakdown's, by its value). */
const pageOf = (visitors: ArrayLike<number>, n: number) =>
  Array.from(visitors, (v, g) => [g, v] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, n);

describe('a breakdown page ordered by visitors counts only the unions it can show', () => {
  it('shows the same first n groups with the same visitors as counting every union', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 });
    const groups = fc.array(fc.array(ids, { maxLength: 4 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(groups, fc.integer({ min: 1, max: 32 }), (groups, n) => {
        const { upper, lower } = boundsOf(groups);
        const lazy = visitorsForTop(upper, lower, n, (g) => unionOf(groups[g]!));
        expect(pageOf(lazy, n)).toEqual(pageOf(groups.map(unionOf), n));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the long tail of a skewed breakdown uncounted', () => {
    // 200 pages: page g seen by 1,000 / (g + 1) visitors on each of 3 days (the same ones), as top pages are.
    const groups = Array.from({ length: 200 }, (_, g) => {
      const ids = Array.from({ length: Math.ceil(1000 / (g + 1)) }, (_, i) => i);
      return [ids, ids, ids];
    });
    const { upper, lower } = boundsOf(groups);
    const counted: number[] = [];
    const visitors = visitorsForTop(upper, lower, 10, (g) => {
      counted.push(g);
      return unionOf(groups[g]!);
    });
    expect(pageOf(visitors, 10).map(([g]) => g)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(counted.length).toBeLessThan(40);
  });
});
