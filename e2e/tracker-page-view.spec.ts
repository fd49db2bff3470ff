import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { settle } from './support/tracker.js';

const env = useCollector();
const OUTSIDE = 'http://news.example/article?id=7';

test('a visit stores one page_view with the URL, the title and the outside referrer', async ({ page, build }) => {
  // The tracker's defaults (a 1 s batch window included): the fixture's tag has only data-key.
  const { keys, url } = await env.visit('tracker-page-view.html', build, { batchMs: undefined });
  await page.goto(`${url}/welcome?lang=en`, { referer: OUTSIDE });
  await settle(page);
  const [view] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', url: `${url}/welcome?lang=en` }],
    exactly: true,
  });
  expect(view).toMatchObject({
    title: 'Tracklet e2e: page view',
    referrer: OUTSIDE,
    user_id: null,
    test: false,
    generated: false,
    browser: 'Chrome',
    device_type: 'desktop',
  });
  expect(view!.anonymous_id).toBeTruthy();
  expect(view!.session_id).toBeTruthy();
  expect(view!.contact_id).toBeGreaterThan(0);
});

test('the next page of the site has the previous page as its referrer, same visitor and session', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('tracker-page-view.html', build);
  await page.goto(`${url}/`);
  await page.click('#next');
  await page.waitForURL(`${url}/second-page`);
  const [first, second] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/`, referrer: null },
      { event: 'page_view', url: `${url}/second-page`, referrer: `${url}/` },
    ],
    exactly: true,
  });
  expect(second).toMatchObject({
    anonymous_id: first!.anonymous_id,
    session_id: first!.session_id,
    contact_id: first!.contact_id,
  });
});
