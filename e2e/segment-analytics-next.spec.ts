import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { TAG_ONLY } from './support/browser.js';
import { ROOT } from './support/collector.js';
import { getContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';

const env = useCollector();
const umd = join(ROOT, 'node_modules/@segment/analytics-next/dist/umd');

/**
 * The page gets analytics-next from node_modules; every other request that leaves for a host other than the
 * fixture's and the collector's is recorded (and refused), so the spec proves nothing comes from Segment's CDN.
 */
async function serveLibrary(page: Page, allowed: string[]): Promise<string[]> {
  const foreign: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/vendor/analytics-next/')) {
      return route.fulfill({ path: join(umd, url.pathname.slice('/vendor/analytics-next/'.length)) });
    }
    if (allowed.includes(url.origin)) return route.continue();
    foreign.push(url.href);
    return route.abort();
  });
  return foreign;
}

const inPage = (page: Page, script: string) =>
  page.evaluate(`window.analyticsReady.then((analytics) => ${script})`) as Promise<unknown>;

// One build: this spec drives Segment's library, not Tracklet's tracker.
test(`analytics-next sends page on load, track and identify; the visitor's earlier events move to the identified contact ${TAG_ONLY}`, async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('segment-analytics-next.html', build);
  const foreign = await serveLibrary(page, [new URL(url).origin, env.collector.url]);
  await page.goto(url);
  const anon = (await inPage(page, 'analytics.user().anonymousId()')) as string;
  expect(anon).toBeTruthy();

  const [view] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', anonymous_id: anon }],
  });
  expect(view).toMatchObject({
    url: `${url}/`,
    title: "Tracklet e2e: Segment's analytics-next",
    data: { name: 'Home' },
  });
  await inPage(page, "analytics.track('Product Viewed', { sku: 'A1', price: 12.5, tags: ['blue'] })");
  const [viewed] = await expectEvents(env.collector, keys.live, {
    expected: [
      {
        event: 'product_viewed',
        anonymous_id: anon,
        contact_id: view!.contact_id,
      },
    ],
  });
  expect(viewed?.data).toEqual({ sku: 'A1', price: 12.5, tags: '["blue"]', segment_event: 'Product Viewed' });
  expect((await getContact(env.collector, keys.live, view!.contact_id)).email).toBeNull();

  await inPage(page, "analytics.identify('user-42', { email: 'grace@example.com', name: 'Grace' })");
  const [login] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'login', anonymous_id: anon }],
  });
  const contact = await getContact(env.collector, keys.live, login!.contact_id);
  expect(contact).toMatchObject({
    email: 'grace@example.com',
    external_id: 'user-42',
    attributes: { name: 'Grace' },
    merged_into: null,
  });
  expect(contact.anonymous_ids).toContain(anon);
  // Everything the visitor did before identify belongs to the identified contact now.
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', contact_id: contact.id, anonymous_id: anon },
      { event: 'product_viewed', contact_id: contact.id, anonymous_id: anon },
      { event: 'login', contact_id: contact.id, anonymous_id: anon },
    ],
    exactly: true,
  });
  expect(foreign).toEqual([]);
});

test(`analytics-next's batching delivery posts to /v1/b and every event is stored once ${TAG_ONLY}`, async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('segment-analytics-next.html', build);
  const foreign = await serveLibrary(page, [new URL(url).origin, env.collector.url]);
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().startsWith(env.collector.url)) {
      posts.push(new URL(request.url()).pathname);
    }
  });
  await page.goto(`${url}/?batching`);
  const anon = (await inPage(page, 'analytics.user().anonymousId()')) as string;
  await inPage(page, "Promise.all([analytics.track('Cart Viewed'), analytics.track('Checkout Started', { step: 1 })])");
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', anonymous_id: anon },
      { event: 'cart_viewed', anonymous_id: anon },
      { event: 'checkout_started', anonymous_id: anon },
    ],
    exactly: true,
  });
  expect(posts).toContain('/v1/b');
  expect(posts.filter((path) => path !== '/v1/b')).toEqual([]);
  expect(foreign).toEqual([]);
});
