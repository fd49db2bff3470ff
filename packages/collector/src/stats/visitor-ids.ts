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
 * Counts the distinct ids of several lists (a visitor on many days counts once): `add` each list's range, then
 * `total`. With a bitmap of the ids, kept between calls and cleared word by word, so a breakdown of 500 values
 * costs no allocation a value.
 */
export class DistinctCounter {
  private bits = new Uint32Array(0);
  private readonly touched: number[] = [];
  private readonly large = new Set<number>();
  private n = 0;

  /** Adds ids[from, to). */
  add(ids: VisitorIds, from = 0, to = ids.length): void {
    if (to <= from) return;
    if (ids[to - 1]! >= BITMAP_LIMIT || this.large.size > 0) {
      for (let i = from; i < to; i++) this.large.add(ids[i]!);
      return;
    }
    const words = (ids[to - 1]! >>> 5) + 1;
    if (this.bits.length < words) {
      const bigger = new Uint32Array(Math.max(words, this.bits.length * 2));
      bigger.set(this.bits);
      this.bits = bigger;
    }
    const bits = this.bits;
    for (let i = from; i < to; i++) {
      const id = ids[i]!;
      const word = id >>> 5;
      const bit = 1 << (id & 31);
      const value = bits[word]!;
      if ((value & bit) === 0) {
        if (value === 0) this.touched.push(word);
        bits[word] = value | bit;
        this.n++;
      }
    }
  }

  /** How many distinct ids were added since the last total; starts over. */
  total(): number {
    let count = this.n;
    if (this.large.size > 0) {
      // Some id was past the bitmap: the ids in the bitmap join the Set, which then counts them all.
      for (const word of this.touched) {
        for (let b = 0; b < 32; b++) if ((this.bits[word]! >>> b) & 1) this.large.add(word * 32 + b);
      }
      count = this.large.size;
      this.large.clear();
    }
    for (const word of this.touched) this.bits[word] = 0;
    this.touched.length = 0;
    this.n = 0;
    return count;
  }
}
