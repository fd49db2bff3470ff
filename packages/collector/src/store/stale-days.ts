import { DAY_MS } from './rollups-schema.js';

/**
 * How long after a moment a write about it is "late": the stats' rollups build a day only once it ended this long
 * ago (stats/rollups.ts), so a write about an earlier moment may change a built day and marks it stale. Two hours,
 * not minutes: a visit that goes on marks the day it started, and few visits last that long, so live traffic marks
 * nothing (no write, and no row two PostgreSQL writers would wait on each other for).
 */
export const LATE_AFTER_MS = 2 * 3_600_000;

/** One stale mark: account, key kind (test), UTC day number. */
export interface StaleDay {
  account_id: number;
  test: boolean;
  day: number;
}

/**
 * The UTC days a transaction's late writes touch (issue #18): an event that happened before `LATE_AFTER_MS` ago
 * (its day and the next, where a visit it starts may have begun before), a visit that went on from an earlier day.
 * Live traffic is never late, so the common write adds nothing.
 */
export class StaleDays {
  private readonly days = new Map<string, StaleDay>();

  /** A write about `time` (epoch ms); `next`: the following day may change too. */
  note(accountId: number, test: boolean, time: number, next = false, now = Date.now()): void {
    if (time >= now - LATE_AFTER_MS) return;
    const day = Math.floor(time / DAY_MS);
    this.days.set(`${accountId}:${test}:${day}`, { account_id: accountId, test, day });
    if (next) this.days.set(`${accountId}:${test}:${day + 1}`, { account_id: accountId, test, day: day + 1 });
  }

  get size(): number {
    return this.days.size;
  }

  take(): StaleDay[] {
    const days = [...this.days.values()];
    this.days.clear();
    return days;
  }

  clear(): void {
    this.days.clear();
  }
}
