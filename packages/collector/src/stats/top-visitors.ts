import { type DayColumns, readIds } from './rollup-body.js';
import { DistinctCounter } from './visitor-ids.js';

/** Counts the distinct visitors of rollup rows, decoding each row's ids once into one reused buffer. */
export class RowsVisitors {
  private buffer = new Float64Array(1024);
  private readonly counter = new DistinctCounter();

  /** The distinct ids of the rows `rows` names as pairs (index in `days`, row in that day). */
  union(days: DayColumns[], rows: number[]): number {
    for (let k = 0; k < rows.length; k += 2) {
      const day = days[rows[k]!]!;
      const row = rows[k + 1]!;
      const count = day.counts[row]!;
      if (this.buffer.length < count) this.buffer = new Float64Array(Math.max(count, this.buffer.length * 2));
      this.counter.add(this.buffer, 0, readIds(day, row, this.buffer));
    }
    return this.counter.total();
  }
}

/** The smallest of at most `size` numbers kept, the largest seen so far. */
class LargestKept {
  private readonly heap: number[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.heap.length >= this.size;
  }

  get smallest(): number {
    return this.heap[0]!;
  }

  offer(value: number): void {
    const heap = this.heap;
    if (!this.full) {
      heap.push(value);
      for (let i = heap.length - 1, up = (i - 1) >> 1; i > 0 && heap[up]! > heap[i]!; i = up, up = (i - 1) >> 1) {
        [heap[up], heap[i]] = [heap[i]!, heap[up]!];
      }
    } else if (value > heap[0]!) {
      heap[0] = value;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < heap.length && heap[l]! < heap[min]!) min = l;
        if (r < heap.length && heap[r]! < heap[min]!) min = r;
        if (min === i) break;
        [heap[min], heap[i]] = [heap[i]!, heap[min]!];
        i = min;
      }
    }
  }
}

/**
 * Each group's visitors for a page of groups ordered by visitors, largest first, that shows the first `n`: exact
 * (`exact(g)`, a union of ids) for every group that may be among them, a lower bound for the others. A group's union
 * is at most the sum of its rows' counts (`upper`) and at least its largest row (`lower`), so the groups are counted
 * by falling `upper` until `n` exact counts all exceed the next group's `upper`: none of the rest can reach the page,
 * or tie with it. A breakdown of 500 pages whose top 10 are shown counts a few dozen unions, not 500.
 */
export function visitorsForTop(
  upper: Float64Array,
  lower: Float64Array,
  n: number,
  exact: (group: number) => number,
): Float64Array {
  const visitors = Float64Array.from(lower);
  const order = Array.from(upper.keys()).sort((a, b) => upper[b]! - upper[a]!);
  const kept = new LargestKept(n);
  for (const group of order) {
    if (kept.full && kept.smallest > upper[group]!) break;
    visitors[group] = exact(group);
    kept.offer(visitors[group]!);
  }
  return visitors;
}
