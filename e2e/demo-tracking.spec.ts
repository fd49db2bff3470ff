import { NPM_ONLY, TAG_ONLY } from './support/browser.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';

const env = useCollector();

// The demo is served by the collector itself at /demo/ (same origin), with the demo account `npm start` creates.
test.describe('demo shop (npm import of the tracker in a Preact SPA)', { tag: NPM_ONLY }, () => {
  test('its page views, one per route, and its add_to_cart events arrive', async ({ page }) => {
    const keys = env.collector.demoKeys();
    const demo = `${env.collector.url}/demo`;
    await page.goto(`${demo}/`);
    await page.getByTestId('product-pin-04').click();
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('nav-cart').click();
    await expect(page.getByRole('heading', { name: 'Cart' })).toBeVisible();
    await page.goBack();
    await expect(page.getByRole('heading', { name: 'UTM pin set' })).toBeVisible();
    const [landing, ...rest] = await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'page_view', url: `${demo}/`, title: 'Tracklet demo shop' },
        { event: 'page_view', url: `${demo}/product/pin-04`, referrer: `${demo}/` },
        {
          event: 'add_to_cart',
          url: `${demo}/product/pin-04`,
          data: { sku: 'pin-04', name: 'UTM pin set', price: 6.75 },
        },
        { event: 'page_view', url: `${demo}/cart`, referrer: `${demo}/product/pin-04` },
        { event: 'page_view', url: `${demo}/product/pin-04`, referrer: `${demo}/cart` },
      ],
      exactly: true,
    });
    for (const e of rest)
      expect(e).toMatchObject({ anonymous_id: landing!.anonymous_id, contact_id: landing!.contact_id });
    expect(landing).toMatchObject({ browser: 'Chrome', device_type: 'desktop' });
  });
});

test.describe('demo script-tag page (/demo/tag.html)', { tag: TAG_ONLY }, () => {
  test('its queued call, its page view and a click arrive', async ({ page }) => {
    const keys = env.collector.demoKeys();
    await page.goto(`${env.collector.url}/demo/tag.html`);
    await page.getByRole('button', { name: 'Sign up for the newsletter' }).click();
    await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'tag_page_ready', data: { layout: 'plain' } },
        { event: 'page_view', url: `${env.collector.url}/demo/tag.html`, title: 'Tracklet demo: script tag' },
        { event: 'newsletter_signup', data: { source: 'tag_page' } },
      ],
      exactly: true,
    });
  });
});
