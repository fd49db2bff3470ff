import { expect, test } from '@playwright/test';
import { HEADLESS_DEFAULT } from './support/browser.js';
import { type Collector, createAccount, startCollector } from './support/collector.js';
import { expectEvents } from './support/events.js';
import { serveFixture, type Site } from './support/site.js';

const LANDING = '/?utm_source=e2e&utm_campaign=launch&gclid=abc';

let collector: Collector;
const sites: Site[] = [];

test.beforeAll(async () => {
  collector = await startCollector();
});

test.afterAll(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
  await collector?.stop();
});

/** A fresh account and the fixture served from a second origin with its publishable key. */
const setUp = async (fixture: string) => {
  const keys = await createAccount(collector);
  const site = await serveFixture(fixture, { COLLECTOR: collector.url, KEY: keys.publishable });
  sites.push(site);
  return { keys, url: site.url + LANDING };
};

for (const build of [
  { name: 'script tag (t.js)', fixture: 'page-view.html' },
  { name: 'npm (index.js)', fixture: 'page-view-npm.html' },
]) {
  test(`${build.name}: a visit stores one page_view with the landing's URL and UTM tags`, async ({ page }) => {
    const { keys, url } = await setUp(build.fixture);
    await page.goto(url);
    const [view] = await expectEvents(collector, keys.live, {
      query: { event: 'page_view' },
      expected: [{ event: 'page_view', url }],
    });
    expect(view).toMatchObject({
      url,
      title: 'Tracklet e2e: page view',
      utm_source: 'e2e',
      utm_campaign: 'launch',
      click_ids: { gclid: 'abc' },
      user_id: null,
    });
    expect(view!.anonymous_id).toBeTruthy();
    expect(view!.session_id).toBeTruthy();
  });
}

// Runs in the `headless-default` project of playwright.config.ts: no AutomationControlled flag (navigator.webdriver
// stays true) and Chromium's own HeadlessChrome user agent.
test.describe('default headless Chromium', { tag: HEADLESS_DEFAULT }, () => {
  test('sends nothing', async ({ page }) => {
    const { keys, url } = await setUp('page-view.html');
    const posts: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/collect') && posts.push(r.method()));
    await page.goto(url);
    expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true);
    // The tracker has loaded once the stub's queue is gone; then flush, and hide the page (the sendBeacon path).
    await page.waitForFunction(() => {
      const t = (window as unknown as { tracklet?: (() => void) & { q?: unknown } }).tracklet;
      return typeof t == 'function' && !t.q;
    });
    await page.evaluate(() => (window as unknown as { tracklet(c: string): Promise<void> }).tracklet('flush'));
    await page.close({ runBeforeUnload: true });
    expect(posts).toEqual([]);
    await expectEvents(collector, keys.live, { query: { event: 'page_view' }, refuted: [{ event: 'page_view' }] });
  });
});
