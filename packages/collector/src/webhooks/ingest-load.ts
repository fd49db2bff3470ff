import { performance } from 'node:perf_hooks';

/** How often the collector's thread measures itself, and so how soon a burst of ingest is seen. */
const sampleMs = 100;
/** Each sample's weight in the kept average (about the last 300 ms count): one slow commit is not a burst. */
const weight = 0.3;

/**
 * How busy ingest is (issue #21): the collector's event loop utilization, averaged over the last few `sampleMs`, in
 * thousandths, kept in shared memory so the webhook worker reads it on its own thread without a message. Deliveries
 * yield to ingest while it is high (worker.ts). A CPU share is no such measure: the deliveries' own load lowers the
 * collector's share exactly when they should yield, while the loop's utilization stays high (a preempted task
 * still holds the loop). SQLite's fdatasync runs on libuv's pool, so waiting on the disk leaves the loop idle.
 */
export class IngestLoad {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  /** The collector's thread measures itself until `stop` (the timer keeps no process alive). */
  watch(): { stop(): void } {
    let last = performance.eventLoopUtilization();
    let average = 0;
    const timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      average += weight * (performance.eventLoopUtilization(now, last).utilization - average);
      Atomics.store(this.cell, 0, Math.round(average * 1000));
      last = now;
    }, sampleMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** The last measure, 0 to 1. */
  utilization(): number {
    return Atomics.load(this.cell, 0) / 1000;
  }
}
