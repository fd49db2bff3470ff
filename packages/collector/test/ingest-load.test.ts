import { describe, expect, it } from 'vitest';
import { IngestLoad } from '../src/webhooks/ingest-load.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps this thread's event loop busy for `ms`, in slices with a turn of the loop between (as requests do). */
async function busyFor(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now() + 20;
    while (performance.now() < slice);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('ingest load (issue #21: deliveries yield to busy ingest)', () => {
  it('reads near 1 while the event loop never idles, also from its shared memory (the worker thread), and near 0 once it idles', async () => {
    const load = new IngestLoad();
    const watching = load.watch();
    try {
      await busyFor(800);
      expect(load.utilization()).toBeGreaterThan(0.9);
      expect(new IngestLoad(load.buffer).utilization()).toBe(load.utilization());
      await sleep(800);
      expect(load.utilization()).toBeLessThan(0.2);
    } finally {
      watching.stop();
    }
  });
});
