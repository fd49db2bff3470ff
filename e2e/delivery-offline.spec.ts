import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { nextCollectResponse, queued, settle, tracklet } from './support/tracker.js';

const env = useCollector();

test('events tracked offline are delivered exactly once when the browser is back online', async ({
  page,
  context,
  build,
}) => {
  const { keys, url } = await env.visit('delivery-offline.html', build);
  await page.goto(`${url}/`);
  await settle(page);

  await context.setOffline(true);
  const failed = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/v1/collect'));
  await tracklet(page, 'track', 'offline_note', { text: 'written in a tunnel' });
  await tracklet(page, 'flush');
  await failed;
  expect(await queued(page)).toBe(1);

  // Back online: the tracker's retry (backoff) sends it; no call from the page needed.
  const delivered = nextCollectResponse(page);
  await context.setOffline(false);
  expect((await delivered).status()).toBe(200);
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/` },
      { event: 'offline_note', data: { text: 'written in a tunnel' } },
    ],
    exactly: true,
  });
});
