import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { recordBeacons, settle, trackerReady } from './support/tracker.js';

const env = useCollector();
const COUNT = 120;
/** The collector refuses beacons above 64 KiB (API.md "Browser beacons"). */
const BEACON_LIMIT = 64 * 1024;

test('events queued at once beyond 64 KB are split into several beacons and all stored once', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('delivery-large-payload.html', build);
  const beacons = recordBeacons(page);
  await page.goto(`${url}/`);
  await trackerReady(page);
  await page.evaluate((count) => {
    const t = (window as unknown as { tracklet(c: string, ...a: unknown[]): void }).tracklet;
    for (let i = 0; i < count; i++) t('track', 'imported_row', { i, note: `row ${i} `.padEnd(1500, 'é') });
  }, COUNT);
  await settle(page);

  const sizes = beacons.bodies.map((b) => Buffer.byteLength(b));
  expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(2 * BEACON_LIMIT);
  expect(sizes.length).toBeGreaterThanOrEqual(3);
  for (const size of sizes) expect(size).toBeLessThanOrEqual(BEACON_LIMIT);
  await expectEvents(env.collector, keys.live, {
    query: { event: 'imported_row' },
    expected: Array.from({ length: COUNT }, (_, i) => ({
      event: 'imported_row',
      data: { i, note: `row ${i} `.padEnd(1500, 'é') },
    })),
    exactly: true,
  });
});
