import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { settle, trackerReady } from './support/tracker.js';

const env = useCollector();

test('a click on a link to another origin is recorded as outbound_click, though the page is gone at once', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('outbound-links.html', build, { outbound: true, autoPageViews: false });
  await page.goto(url);
  await trackerReady(page);
  const target = `${env.collector.url}/healthz?from=site`;
  await page.click('#out');
  await page.waitForURL(target);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'outbound_click', url: `${url}/`, data: { url: target } }],
    exactly: true,
  });
});

test('a link to a page of the same site is no outbound click', async ({ page, build }) => {
  const { keys, url } = await env.visit('outbound-links.html', build, { outbound: true });
  await page.goto(url);
  await trackerReady(page);
  await page.click('#in');
  await page.waitForURL(`${url}/about`);
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', url: `${url}/about` }],
    refuted: [{ event: 'outbound_click' }],
  });
});
