/** A rollup row's distinct visitors: their contact ids, ascending. */
export type VisitorIds = Uint32Array | Float64Array;

/** The ids of a `group_concat`/`string_agg` list (`1,5,3`), ascending; none for NULL. */
export function idsOfList(list: unknown): VisitorIds {
  if (list === null || list === undefined || list === '') return new Uint32Array(0);
  const ids = String(list).split(',').map(Number);
  ids.sort((a, b) => a - b);
  const max = ids.at(-1) ?? 0;
  return max <= 0xffffffff ? Uint32Array.from(ids) : Float64Array.from(ids);
}

/** Ids up to this use a bitmap (32 MB at most); larger ones a Set. */
const BITMAP_LIMIT = 1 << 28;

/**
 * Counts the distinct ids of several sorted lists (a visitor on many days counts once): with a bitmap of the ids,
 * kept between calls and cleared word by word, so a breakdown of 500 values costs no allocation a value.
 */
export class DistinctCounter {
  private bits = new Uint32Array(0);
  private readonly touched: number[] = [];

  count(lists: VisitorIds[]): number {
    if (lists.length === 0) return 0;
    if (lists.length === 1) return lists[0]!.length;
    let max = 0;
    for (const ids of lists) if (ids.length > 0) max = Math.max(max, ids[ids.length - 1]!);
    if (max >= BITMAP_LIMIT) return new Set(lists.flatMap((ids) => [...ids])).size;
    const words = (max >>> 5) + 1;
    if (this.bits.length < words) this.bits = new Uint32Array(Math.max(words, this.bits.length * 2));
    const bits = this.bits;
    let count = 0;
    for (const ids of lists) {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const word = id >>> 5;
        const bit = 1 << (id & 31);
        const value = bits[word]!;
        if ((value & bit) === 0) {
          if (value === 0) this.touched.push(word);
          bits[word] = value | bit;
          count++;
        }
      }
    }
    for (const word of this.touched) bits[word] = 0;
    this.touched.length = 0;
    return count;
  }
}
