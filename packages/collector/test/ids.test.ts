import { describe, expect, it } from 'vitest';
import { EventIdGenerator, firstIdAfter, idTime } from '../src/ids.js';

describe('event ids', () => {
  it('grow with time and stay within Number.MAX_SAFE_INTEGER', () => {
    const ids = new EventIdGenerator(31);
    const a = ids.next(Date.UTC(2026, 0, 1));
    const b = ids.next(Date.UTC(2026, 0, 2));
    expect(b).toBeGreaterThan(a);
    expect(ids.next(Date.UTC(2094, 0, 1))).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    expect(idTime(b)).toBe(Date.UTC(2026, 0, 2));
  });

  it('never repeat within one millisecond, borrowing the next millisecond after 128', () => {
    const ids = new EventIdGenerator(0);
    const now = Date.UTC(2026, 5, 1);
    const made = Array.from({ length: 1000 }, () => ids.next(now));
    expect(new Set(made).size).toBe(1000);
    expect(made).toEqual([...made].sort((x, y) => x - y));
  });

  it('differ between instances at the same instant', () => {
    const now = Date.UTC(2026, 5, 1);
    const one = Array.from(
      { length: 200 },
      (
        (g) => () =>
          g.next(now)
      )(new EventIdGenerator(1)),
    );
    const two = Array.from(
      { length: 200 },
      (
        (g) => () =>
          g.next(now)
      )(new EventIdGenerator(2)),
    );
    expect(one.filter((id) => two.includes(id))).toEqual([]);
  });

  it('start above the highest stored id even when the clock went backwards', () => {
    const earlier = new EventIdGenerator(0);
    const stored = earlier.next(Date.UTC(2026, 5, 1, 12));
    const restarted = new EventIdGenerator(0, stored);
    expect(restarted.next(Date.UTC(2026, 5, 1, 11))).toBeGreaterThan(stored);
  });

  it('refuse an instance id outside 0–31', () => {
    expect(() => new EventIdGenerator(32)).toThrow(/instance id/);
  });

  it('bound every id received after a moment from below (the created_after index shortcut)', () => {
    const ids = new EventIdGenerator(7);
    const t = Date.UTC(2026, 3, 1, 8);
    const made = [t + 1, t + 1, t + 2, t + 500].map((ms) => ids.next(ms));
    expect(made.every((id) => id >= firstIdAfter(t))).toBe(true);
    expect(new EventIdGenerator(0).next(t)).toBeLessThan(firstIdAfter(t));
  });
});
