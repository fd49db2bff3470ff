import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';

const env = useCollector();

test('a page marked as not found (data-404, or notFound) sends not_found with its path beside the page view', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('not-found.html', build, { notFound: true });
  await page.goto(`${url}/no-such-page?ref=old-link`);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/no-such-page?ref=old-link`, data: { status: 404 } },
      { event: 'not_found', data: { path: '/no-such-page' } },
    ],
    exactly: true,
  });
});
