import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { trackerReady } from './support/tracker.js';

const env = useCollector();
const clicks = (count: number) => Array.from({ length: count }, (_, n) => ({ event: 'outbound_click', data: { n } }));

test('an event tracked right before navigating to the next page arrives (at least 99 of 100), never twice', async ({
  page,
  build,
}) => {
  test.setTimeout(120_000);
  // No automatic page views: the only events are the clicks.
  const { keys, url } = await env.visit('delivery-navigate-away.html', build, { autoPageViews: false });
  await page.goto(`${url}/?n=0`);
  for (let n = 0; n < 100; n++) {
    await trackerReady(page);
    await page.click('#go');
    await page.waitForURL(`${url}/?n=${n + 1}`);
  }
  // sendBeacon on pagehide delivers them. The events stay in the persisted queue, leased for 20 s, then a later
  // fetch gets them acknowledged, and the collector de-duplicates by event id: so none may be stored twice.
  await expectEvents(env.collector, keys.live, {
    query: { event: 'outbound_click' },
    expected: clicks(100),
    min: 99,
    exactly: true,
    timeout: 45_000,
  });
});

test('an event tracked right before leaving the site (no tracker on the next page) arrives by sendBeacon alone', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('delivery-navigate-away.html', build, { autoPageViews: false });
  const outside = `${env.collector.url}/healthz`;
  for (let n = 0; n < 10; n++) {
    await page.goto(`${url}/?n=${n}&out=${encodeURIComponent(outside)}`);
    await trackerReady(page);
    await page.click('#go');
    await page.waitForURL(outside);
  }
  // Within 15 s, before any lease of the persisted queue ends: only the beacons can have delivered them.
  await expectEvents(env.collector, keys.live, {
    query: { event: 'outbound_click' },
    expected: clicks(10),
    exactly: true,
  });
});
