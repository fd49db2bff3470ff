import { expect } from '@playwright/test';
import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { trackerReady } from './support/tracker.js';

const env = useCollector();

test('a page read and scrolled sends page_engagement with its scroll depth and engaged time when left', async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('page-engagement.html', build, { engagement: true });
  await page.goto(url);
  await trackerReady(page);
  await page.mouse.move(200, 200);
  await page.mouse.wheel(0, 2000);
  await page.waitForFunction(() => scrollY >= 1500);
  await page.keyboard.press('ArrowDown');
  await page.click('#next');
  await page.waitForURL(`${url}/next`);
  const [engaged] = await expectEvents(env.collector, keys.live, {
    query: { event: 'page_engagement' },
    expected: [{ event: 'page_engagement', url: `${url}/` }],
    exactly: true,
  });
  const data = engaged!.data as { scroll_depth: number; engaged_ms: number };
  // 720 px of viewport after 1,500+ px of scroll on a ~4,000 px page: more than half of it was seen.
  expect(data.scroll_depth).toBeGreaterThan(50);
  expect(data.scroll_depth).toBeLessThanOrEqual(100);
  expect(data.engaged_ms).toBeGreaterThan(0);
});

test('a bounce with no interaction sends no page_engagement', async ({ page, build }) => {
  const { keys, url } = await env.visit('page-engagement.html', build, { engagement: true });
  await page.goto(url);
  await trackerReady(page);
  await page.goto(`${url}/next`);
  // The first page's engagement would have left by sendBeacon on pagehide, before the next page's page_view.
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', url: `${url}/next` }],
    refuted: [{ event: 'page_engagement' }],
  });
});

test('engagement "always" reports a bounce with no interaction too, as zero engaged time', async ({ page, build }) => {
  const { keys, url } = await env.visit('page-engagement.html', build, { engagement: 'always' });
  await page.goto(url);
  await trackerReady(page);
  await page.goto(`${url}/next`);
  const [bounce] = await expectEvents(env.collector, keys.live, {
    query: { event: 'page_engagement' },
    expected: [{ event: 'page_engagement', url: `${url}/` }],
    exactly: true,
  });
  // Unscrolled: the share of the page the first viewport shows.
  expect(bounce!.data).toEqual({ scroll_depth: expect.any(Number), engaged_ms: 0 });
  expect(bounce!.data.scroll_depth).toBeLessThan(50);
});
