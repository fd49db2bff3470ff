import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { settle, trackerReady } from './support/tracker.js';

const env = useCollector();

test('pushState to a new URL is one page view, referred by the previous URL; the same URL again is none', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('spa-navigation.html', build);
  await page.goto(`${url}/app`);
  await trackerReady(page);
  await page.evaluate(() => {
    const w = window as unknown as { go(to: string): void };
    w.go('/app/products');
    w.go('/app/products'); // a router re-pushing the current URL
    w.go('/app/products/mug?color=red');
  });
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/app`, referrer: null },
      { event: 'page_view', url: `${url}/app/products`, referrer: `${url}/app` },
      { event: 'page_view', url: `${url}/app/products/mug?color=red`, referrer: `${url}/app/products` },
    ],
    exactly: true,
  });
});

test('replaceState is a page view when the path changes, not when only the query does', async ({ page, build }) => {
  const { keys, url } = await env.visit('spa-navigation.html', build);
  await page.goto(`${url}/search`);
  await trackerReady(page);
  await page.evaluate(() => {
    const w = window as unknown as { swap(to: string): void };
    w.swap('/search?q=mugs'); // typing into a search box: same page
    w.swap('/search?q=mugs&page=2');
    w.swap('/results'); // a redirect-like replace to another page
  });
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/search` },
      { event: 'page_view', url: `${url}/results`, referrer: `${url}/search` },
    ],
    exactly: true,
  });
});

test('back and forward (popstate) are one page view each', async ({ page, build }) => {
  const { keys, url } = await env.visit('spa-navigation.html', build);
  await page.goto(`${url}/a`);
  await trackerReady(page);
  await page.evaluate(() => (window as unknown as { go(to: string): void }).go('/b'));
  await page.evaluate(() => history.back());
  await page.waitForURL(`${url}/a`);
  await page.evaluate(() => history.forward());
  await page.waitForURL(`${url}/b`);
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/a`, referrer: null },
      { event: 'page_view', url: `${url}/b`, referrer: `${url}/a` },
      { event: 'page_view', url: `${url}/a`, referrer: `${url}/b` },
      { event: 'page_view', url: `${url}/b`, referrer: `${url}/a` },
    ],
    exactly: true,
  });
});

test.describe('with hash routing on', () => {
  test('each #/route is a page view, the same route again is none', async ({ page, build }) => {
    const { keys, url } = await env.visit('spa-navigation.html', build, { hashRouting: true });
    await page.goto(`${url}/#/home`);
    await trackerReady(page);
    await page.evaluate(() => (location.hash = '#/cart'));
    await page.waitForFunction(() => document.getElementById('route')!.textContent == '/#/cart');
    await page.evaluate(() => (location.hash = '#/checkout'));
    await page.waitForFunction(() => document.getElementById('route')!.textContent == '/#/checkout');
    await page.evaluate(() => (window as unknown as { go(to: string): void }).go('/#/checkout'));
    await settle(page);
    await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'page_view', url: `${url}/#/home` },
        { event: 'page_view', url: `${url}/#/cart`, referrer: `${url}/#/home` },
        { event: 'page_view', url: `${url}/#/checkout`, referrer: `${url}/#/cart` },
      ],
      exactly: true,
    });
  });
});

test('without hash routing, a #fragment change is not a page view', async ({ page, build }) => {
  const { keys, url } = await env.visit('spa-navigation.html', build);
  await page.goto(`${url}/docs`);
  await trackerReady(page);
  await page.evaluate(() => (location.hash = '#install'));
  await page.waitForFunction(() => document.getElementById('route')!.textContent == '/docs#install');
  await page.evaluate(() => (window as unknown as { go(to: string): void }).go('/docs#usage'));
  // Then a real navigation, so the check below is not about nothing having been sent at all.
  await page.evaluate(() => (window as unknown as { go(to: string): void }).go('/docs/api'));
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/docs` },
      { event: 'page_view', url: `${url}/docs/api`, referrer: `${url}/docs` },
    ],
    exactly: true,
  });
});

// The back/forward cache is on in the projects' browsers (support/browser.ts HUMAN_LAUNCH), as in a visitor's Chrome.
test.describe('back/forward cache', () => {
  test('a page restored from the bfcache is one page view, with the referrer of its load', async ({ page, build }) => {
    const { keys, url } = await env.visit('spa-navigation.html', build);
    const outside = 'http://news.example/story';
    await page.goto(`${url}/a`, { referer: outside });
    await trackerReady(page);
    await page.click('#elsewhere');
    await page.waitForURL(`${url}/elsewhere`);
    await trackerReady(page);
    // A bfcache restore fires pageshow (persisted) but no load event.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { restored?: number }).restored == 1);
    await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'page_view', url: `${url}/a`, referrer: outside },
        { event: 'page_view', url: `${url}/elsewhere`, referrer: `${url}/a` },
        // Not referred by itself (the URL it showed before it was cached).
        { event: 'page_view', url: `${url}/a`, referrer: outside },
      ],
      exactly: true,
    });
  });
});
