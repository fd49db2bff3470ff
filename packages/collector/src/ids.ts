/**
 * Event ids: integers that grow with time and stay unique across collector instances, within
 * Number.MAX_SAFE_INTEGER (53 bits): 41 bits of milliseconds since 2025-01-01 (until 2094), 5 bits of instance id
 * (32 instances), 7 bits of sequence (128 ids per millisecond; beyond that the clock is borrowed from the next ms).
 */
const EPOCH = Date.UTC(2025, 0, 1);
const INSTANCE_BITS = 5;
const SEQUENCE_BITS = 7;
const SEQUENCE_SPAN = 2 ** SEQUENCE_BITS;
const MS_SHIFT = 2 ** (INSTANCE_BITS + SEQUENCE_BITS);
export const maxInstanceId = 2 ** INSTANCE_BITS - 1;

export class EventIdGenerator {
  private lastMs = 0;
  private sequence = 0;

  /** `floor`: the highest id already stored; ids from here on are always above it. */
  constructor(
    private readonly instanceId: number,
    floor = 0,
  ) {
    if (!Number.isInteger(instanceId) || instanceId < 0 || instanceId > maxInstanceId) {
      throw new Error(`instance id must be an integer from 0 to ${maxInstanceId}`);
    }
    if (floor > 0) {
      this.lastMs = Math.floor(floor / MS_SHIFT);
      this.sequence = SEQUENCE_SPAN - 1;
    }
  }

  next(now = Date.now()): number {
    const ms = now - EPOCH;
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.sequence = 0;
    } else if (++this.sequence >= SEQUENCE_SPAN) {
      this.lastMs += 1;
      this.sequence = 0;
    }
    return this.lastMs * MS_SHIFT + this.instanceId * SEQUENCE_SPAN + this.sequence;
  }
}

/** When an id was made (epoch ms). */
export const idTime = (id: number) => Math.floor(id / MS_SHIFT) + EPOCH;

/**
 * The smallest id an event received after `ms` can have: ids are minted from the receive time and never from an
 * earlier millisecond. Lets a created_after filter walk the primary key instead of sorting every match.
 * Capped at the largest id there can be: a created_after far in the future (the query allows 16 digits) would
 * otherwise overflow PostgreSQL's BIGINT, a 500 found by the fuzz suite (issue #7).
 */
export const firstIdAfter = (ms: number) =>
  Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, (Math.floor(ms) + 1 - EPOCH) * MS_SHIFT));
