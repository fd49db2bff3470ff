import { getContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { settle, tracklet } from './support/tracker.js';

const env = useCollector();

const NEWSLETTER =
  '?utm_source=newsletter&utm_medium=email&utm_campaign=november&utm_term=mugs&utm_content=hero&gclid=G-1&fbclid=F-1';
const ADS = '?utm_source=google&utm_medium=cpc&utm_campaign=brand&msclkid=M-2';

test("the landing URL's UTM tags and click ids are stored on every event of the page", async ({ page, build }) => {
  const { keys, url } = await env.visit('attribution.html', build);
  await page.goto(`${url}/${NEWSLETTER}`);
  await tracklet(page, 'track', 'signup_started', { plan: 'pro' });
  const campaign = {
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'november',
    utm_term: 'mugs',
    utm_content: 'hero',
    click_ids: { gclid: 'G-1', fbclid: 'F-1' },
  };
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/${NEWSLETTER}`, ...campaign },
      { event: 'signup_started', data: { plan: 'pro' }, ...campaign },
    ],
    exactly: true,
  });
});

test('a second landing keeps the first touch and replaces the last touch', async ({ page, build }) => {
  const { keys, url } = await env.visit('attribution.html', build);
  await page.goto(`${url}/${NEWSLETTER}`);
  await settle(page);
  await page.goto(`${url}/offer${ADS}`);
  await settle(page);
  const [, second] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/${NEWSLETTER}` },
      { event: 'page_view', url: `${url}/offer${ADS}`, utm_source: 'google', click_ids: { msclkid: 'M-2' } },
    ],
  });
  const contact = await getContact(env.collector, keys.live, second!.contact_id);
  expect(contact.first_touch).toMatchObject({
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'november',
    utm_term: 'mugs',
    utm_content: 'hero',
    click_ids: { gclid: 'G-1', fbclid: 'F-1' },
    url: `${url}/${NEWSLETTER}`,
  });
  expect(contact.last_touch).toMatchObject({
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: 'brand',
    utm_term: null,
    utm_content: null,
    click_ids: { msclkid: 'M-2' },
    url: `${url}/offer${ADS}`,
  });
});

test('an outside referrer is stored and becomes the first and last touch', async ({ page, build }) => {
  const { keys, url } = await env.visit('attribution.html', build);
  const outside = 'http://blog.example/best-mugs';
  await page.goto(`${url}/`, { referer: outside });
  const [landing] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', url: `${url}/`, referrer: outside }],
    exactly: true,
  });
  const contact = await getContact(env.collector, keys.live, landing!.contact_id);
  const touch = { referrer: outside, url: `${url}/`, utm_source: null, click_ids: null };
  expect(contact.first_touch).toMatchObject(touch);
  expect(contact.last_touch).toMatchObject(touch);
});

test('a self-referral (a link within the site) does not replace the last touch', async ({ page, build }) => {
  const { keys, url } = await env.visit('attribution.html', build);
  await page.goto(`${url}/${ADS}`);
  await settle(page);
  // Internal navigation: the pricing page's referrer is the landing page, same hostname.
  await page.click('#pricing');
  await page.waitForURL(`${url}/pricing`);
  const [, pricing] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/${ADS}`, referrer: null },
      { event: 'page_view', url: `${url}/pricing`, referrer: `${url}/${ADS}`, utm_source: null },
    ],
    exactly: true,
  });
  const contact = await getContact(env.collector, keys.live, pricing!.contact_id);
  expect(contact.last_touch).toMatchObject({ url: `${url}/${ADS}`, utm_source: 'google', referrer: null });
});

test('a direct visit (no referrer, no campaign) does not replace the last touch', async ({ page, build }) => {
  const { keys, url } = await env.visit('attribution.html', build);
  await page.goto(`${url}/${ADS}`);
  await settle(page);
  await page.goto(`${url}/pricing?plan=team`);
  const [, direct] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/${ADS}` },
      { event: 'page_view', url: `${url}/pricing?plan=team`, referrer: null, utm_source: null },
    ],
    exactly: true,
  });
  const contact = await getContact(env.collector, keys.live, direct!.contact_id);
  expect(contact.first_touch).toMatchObject({ url: `${url}/${ADS}`, utm_source: 'google' });
  expect(contact.last_touch).toMatchObject({ url: `${url}/${ADS}`, utm_source: 'google' });
});
