import type { Browser, Page } from '@playwright/test';
import { DESKTOP_UA } from './support/browser.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { recordBeacons, settle, storedKeys, tracklet } from './support/tracker.js';

const env = useCollector();

/**
 * Chromium's DNT header setting does not change navigator.doNotTrack, and it has no GPC switch: the browser's
 * privacy signals are defined before any page script runs, as the browser would report them.
 */
const SIGNALS = {
  'Do-Not-Track': () =>
    Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true }),
  'Global Privacy Control': () =>
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }),
};

/** A visitor without the signal on the same site: proves the site tracks, so "nothing stored" means something. */
const control = async (browser: Browser, url: string): Promise<Page> => {
  const context = await browser.newContext({ userAgent: DESKTOP_UA });
  const page = await context.newPage();
  await page.goto(`${url}/control`);
  await tracklet(page, 'track', 'consented', { who: 'control' });
  return page;
};

for (const [name, signal] of Object.entries(SIGNALS)) {
  test(`${name}: nothing is sent and nothing is stored`, async ({ page, browser, build }) => {
    const { keys, url } = await env.visit('privacy-signals.html', build);
    await page.addInitScript(signal);
    const beacons = recordBeacons(page.context());
    await page.goto(`${url}/`);
    await tracklet(page, 'track', 'consented', { who: 'signal' });
    await tracklet(page, 'login', { email: 'private@example.com' });
    await settle(page);
    expect(await storedKeys(page)).toEqual([]);
    await page.close({ runBeforeUnload: true }); // pagehide: the sendBeacon path
    expect(beacons.requests).toEqual([]);

    const other = await control(browser, url);
    await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'page_view', url: `${url}/control` },
        { event: 'consented', data: { who: 'control' } },
      ],
      refuted: [{ url: `${url}/` }, { event: 'login' }, { event: 'consented', data: { who: 'signal' } }],
      exactly: true,
    });
    await other.context().close();
  });

  test(`${name} turned on later: what the tracker kept is removed`, async ({ page, build }) => {
    const { url } = await env.visit('privacy-signals.html', build);
    await page.goto(`${url}/before`);
    await settle(page);
    expect(await storedKeys(page)).toEqual(expect.arrayContaining(['tracklet_a', 'tracklet_s', 'tracklet_f']));
    await page.addInitScript(signal);
    await page.goto(`${url}/after`);
    await settle(page);
    expect(await storedKeys(page)).toEqual([]);
  });

  test(`${name} is ignored with respectDnt off`, async ({ page, build }) => {
    const { keys, url } = await env.visit('privacy-signals.html', build, { respectDnt: false });
    await page.addInitScript(signal);
    await page.goto(`${url}/`);
    await tracklet(page, 'track', 'consented', { who: 'signal' });
    await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'page_view', url: `${url}/` },
        { event: 'consented', data: { who: 'signal' } },
      ],
      exactly: true,
    });
  });
}
