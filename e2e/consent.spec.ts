import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { recordBeacons, settle, storedKeys, tracklet } from './support/tracker.js';

const env = useCollector();

test('consent pending holds events in memory; granting sends them', async ({ page, build }) => {
  const { keys, url } = await env.visit('consent.html', build, { consent: 'pending' });
  const beacons = recordBeacons(page);
  await page.goto(`${url}/`);
  await tracklet(page, 'track', 'browsed', { before: 'consent' });
  await tracklet(page, 'flush');
  expect(beacons.requests).toEqual([]);
  expect(await storedKeys(page)).toEqual([]);

  await page.click('#accept');
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/` },
      { event: 'browsed', data: { before: 'consent' } },
    ],
    exactly: true,
  });
  // Granted: ids are kept from now on.
  expect(await storedKeys(page)).toEqual(expect.arrayContaining(['tracklet_a', 'tracklet_s']));
});

test('consent denied sends and keeps none of the held events', async ({ page, build }) => {
  const { keys, url } = await env.visit('consent.html', build, { consent: 'pending' });
  const beacons = recordBeacons(page);
  await page.goto(`${url}/`);
  await tracklet(page, 'track', 'browsed', { before: 'consent' });
  await page.click('#reject');
  await tracklet(page, 'track', 'browsed', { after: 'denial' });
  await settle(page);
  expect(await storedKeys(page)).toEqual([]);
  expect(beacons.requests).toEqual([]);

  // Changing one's mind later: only what happens after the grant is sent (and proves this page could send).
  await page.click('#accept');
  await tracklet(page, 'track', 'browsed', { after: 'grant' });
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'browsed', data: { after: 'grant' } }],
    refuted: [{ event: 'page_view' }, { data: { before: 'consent' } }, { data: { after: 'denial' } }],
    exactly: true,
  });
});

test('consent denied from the start: nothing is sent, even on leaving the page', async ({ page, build }) => {
  const { keys, url } = await env.visit('consent.html', build, { consent: 'denied' });
  const beacons = recordBeacons(page.context());
  await page.goto(`${url}/`);
  await tracklet(page, 'track', 'browsed', {});
  await settle(page);
  expect(await storedKeys(page)).toEqual([]);
  await page.close({ runBeforeUnload: true });
  expect(beacons.requests).toEqual([]);
  await expectEvents(env.collector, keys.live, { refuted: [{ event: 'page_view' }, { event: 'browsed' }] });
});

test('optOut is remembered across page loads and sends nothing; optIn undoes it', async ({ page, build }) => {
  const { keys, url } = await env.visit('consent.html', build);
  await page.goto(`${url}/`);
  await settle(page);
  await tracklet(page, 'optOut');
  expect(await storedKeys(page)).toEqual(['tracklet_o']);
  const beacons = recordBeacons(page);
  await page.goto(`${url}/while-out`);
  await tracklet(page, 'track', 'browsed', { while: 'out' });
  await settle(page);
  expect(beacons.requests).toEqual([]);

  await tracklet(page, 'optIn');
  await tracklet(page, 'track', 'browsed', { while: 'in' });
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/` },
      { event: 'browsed', data: { while: 'in' } },
    ],
    refuted: [{ event: 'page_view', url: `${url}/while-out` }, { data: { while: 'out' } }],
    exactly: true,
  });
});
