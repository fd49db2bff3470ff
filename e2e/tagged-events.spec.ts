import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { trackerReady } from './support/tracker.js';

const env = useCollector();

test('an element marked data-tracklet-event sends its event and data-tracklet-prop-* properties on click', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('tagged-events.html', build, { tagged: true, autoPageViews: false });
  await page.goto(url);
  await trackerReady(page);
  await page.click('#signup');
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'signup', data: { plan: 'pro' } }],
    exactly: true,
  });
});

test('a tagged link still navigates, and its event survives the navigation it starts', async ({ page, build }) => {
  const { keys, url } = await env.visit('tagged-events.html', build, { tagged: true, autoPageViews: false });
  await page.goto(url);
  await trackerReady(page);
  await page.click('#docs span');
  await page.waitForURL(`${url}/docs`);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'docs_opened', url: `${url}/`, data: { from_page: 'pricing' } }],
    exactly: true,
  });
});
