import { GOOGLEBOT_UA, HEADLESS_DEFAULT, INSPECTION_TOOL_UA } from './support/browser.js';
import { metric } from './support/collector.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { nextCollectResponse, recordBeacons, settle, storedKeys, tracklet } from './support/tracker.js';

const env = useCollector();
const botDiscards = () => metric(env.collector, 'tracklet_events_discarded_total', { reason: 'bot' });

// Runs in the `headless-default` project of playwright.config.ts: no AutomationControlled flag (navigator.webdriver
// stays true) and Chromium's own HeadlessChrome user agent.
test.describe('default headless Chromium', { tag: HEADLESS_DEFAULT }, () => {
  test('sends nothing and keeps nothing', async ({ page, build }) => {
    const { keys, url } = await env.visit('bots.html', build);
    const beacons = recordBeacons(page.context());
    await page.goto(url);
    expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true);
    // Flush, then hide the page (the sendBeacon path): no request, nothing stored, nothing kept in localStorage.
    await settle(page);
    expect(await storedKeys(page)).toEqual([]);
    await page.close({ runBeforeUnload: true });
    expect(beacons.requests).toEqual([]);
    await expectEvents(env.collector, keys.live, { refuted: [{ event: 'page_view' }] });
  });
});

test.describe('Googlebot', () => {
  test.use({ userAgent: GOOGLEBOT_UA });

  test('the tracker sends nothing, and a beacon sent anyway is discarded by the collector as a bot', async ({
    page,
    build,
  }) => {
    const { keys, url } = await env.visit('bots.html', build);
    const beacons = recordBeacons(page);
    await page.goto(url);
    expect(await page.evaluate(() => navigator.webdriver)).toBe(false);
    await settle(page);
    expect(beacons.requests).toEqual([]);
    expect(await storedKeys(page)).toEqual([]);

    // A crawler replaying the tracker's request (or a copy of the tracker without its bot check).
    const before = await botDiscards();
    const answer = await page.evaluate(
      async ([api, key]) => {
        const event = (id: string, name: string) => ({
          id,
          event: name,
          anonymous_id: 'crawler-1',
          url: location.href,
        });
        const body = JSON.stringify({ key, events: [event('bot-1', 'page_view'), event('bot-2', 'signup')] });
        const r = await fetch(`${api}/v1/collect`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } });
        return [r.status, await r.json()] as const;
      },
      [env.collector.url, keys.publishable] as const,
    );
    expect(answer).toEqual([
      200,
      {
        results: [
          { index: 0, status: 'discarded', reason: 'bot' },
          { index: 1, status: 'discarded', reason: 'bot' },
        ],
      },
    ]);
    expect(await botDiscards()).toBe(before + 2);
    await expectEvents(env.collector, keys.live, { refuted: [{ anonymous_id: 'crawler-1' }, { event: 'page_view' }] });
  });
});

test.describe('a crawler the tracker does not know (Google-InspectionTool)', () => {
  test.use({ userAgent: INSPECTION_TOOL_UA });

  test('its beacon is discarded by the collector as a bot, stored nowhere, counted in /metrics', async ({
    page,
    build,
  }) => {
    const { keys, url } = await env.visit('bots.html', build);
    const before = await botDiscards();
    const answered = nextCollectResponse(page);
    await page.goto(url);
    await tracklet(page, 'track', 'signup', { plan: 'pro' });
    await tracklet(page, 'flush');
    const response = await answered;
    const { results } = (await response.json()) as { results: { status: string; reason?: string }[] };
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ status: 'discarded', reason: 'bot' });
    await settle(page);
    await expect.poll(botDiscards).toBe(before + 2);
    await expectEvents(env.collector, keys.live, { refuted: [{ event: 'page_view' }, { event: 'signup' }] });
  });
});
