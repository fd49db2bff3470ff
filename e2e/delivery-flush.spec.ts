import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { trackerReady } from './support/tracker.js';

const env = useCollector();

type FlushWindow = Window & { flushNow(): void; flushState: string };

test('flush() resolves only once the collector answered, also for events a batch request is already sending', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('delivery-flush.html', build);
  // Hold the collector's answer to the first beacon (the batch timer's, with the page_view) until the spec says so.
  let release = (): void => {};
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  const sent = new Promise<void>((onSent) =>
    page.route(`${env.collector.url}/v1/collect`, async (route) => {
      if (!first || route.request().method() != 'POST') return route.continue();
      first = false;
      onSent();
      await held;
      await route.continue();
    }),
  );
  await page.goto(`${url}/`);
  await trackerReady(page);
  await sent;
  await page.evaluate(() => (window as unknown as FlushWindow).flushNow());
  // One more round trip to the page: a flush that did not wait for the request on its way has resolved by now.
  expect(await page.evaluate(() => (window as unknown as FlushWindow).flushState)).toBe('waiting');
  release();
  await page.waitForFunction(() => (window as unknown as FlushWindow).flushState == 'resolved');
  await expectEvents(env.collector, keys.live, { expected: [{ event: 'page_view', url: `${url}/` }], exactly: true });
});
