import { getContact, upsertContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { anonymousId, tracklet } from './support/tracker.js';
import type { Page } from '@playwright/test';

const env = useCollector();

const signIn = async (page: Page, email: string, name?: string) => {
  await page.fill('#email', email);
  if (name) await page.fill('#name', name);
  await page.click('button[type=submit]');
  await page.waitForSelector('body[data-signed-in=yes]');
};

test("anonymous, then login with a new email: the visitor's own contact gets the email", async ({ page, build }) => {
  const { keys, url } = await env.visit('login.html', build);
  await page.goto(`${url}/account`);
  const anon = await anonymousId(page);
  const [view] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'page_view', anonymous_id: anon }],
  });
  expect((await getContact(env.collector, keys.live, view!.contact_id)).email).toBeNull();

  await signIn(page, 'ann@example.com', 'Ann');
  // The identity sticks across page loads: the next page's events carry it.
  await page.goto(`${url}/orders`);
  await tracklet(page, 'track', 'orders_listed');
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/account`, contact_id: view!.contact_id },
      {
        event: 'login',
        contact_id: view!.contact_id,
        anonymous_id: anon,
        data: { email: 'ann@example.com', name: 'Ann' },
      },
      { event: 'page_view', url: `${url}/orders`, contact_id: view!.contact_id, anonymous_id: anon },
      { event: 'orders_listed', contact_id: view!.contact_id },
    ],
    exactly: true,
  });
  const contact = await getContact(env.collector, keys.live, view!.contact_id);
  expect(contact).toMatchObject({
    email: 'ann@example.com',
    attributes: { name: 'Ann' },
    anonymous_ids: [anon],
    merged_into: null,
  });
});

test("anonymous, then login with an existing contact's email: the visitor and its past events merge into it", async ({
  page,
  build,
}) => {
  const { keys, url } = await env.visit('login.html', build);
  // The site already knows this customer (say, from its CRM).
  const known = await upsertContact(env.collector, keys.live, {
    email: 'bob@example.com',
    attributes: { plan: 'pro', name: 'Robert', color: 'red' },
  });
  await page.goto(`${url}/pricing`);
  await tracklet(page, 'update', { color: 'blue', city: 'Oslo', name: 'Bobby' });
  const anon = await anonymousId(page);
  const [view] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', anonymous_id: anon },
      { event: 'update', anonymous_id: anon },
    ],
  });
  expect(view!.contact_id).not.toBe(known.id);

  // Typed with other capitals: emails are compared case-insensitively (API.md "Contacts").
  await signIn(page, 'Bob@Example.COM', 'Bob');
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', anonymous_id: anon, contact_id: known.id },
      { event: 'update', anonymous_id: anon, contact_id: known.id },
      { event: 'login', anonymous_id: anon, contact_id: known.id },
    ],
    exactly: true,
  });
  // Attribute precedence (API.md, login): the known contact's values win over the anonymous visitor's, and the
  // login's own attributes win over both.
  const contact = await getContact(env.collector, keys.live, known.id);
  expect(contact).toMatchObject({
    email: 'bob@example.com',
    attributes: { plan: 'pro', color: 'red', city: 'Oslo', name: 'Bob' },
    anonymous_ids: [anon],
    event_count: 3,
    merged_into: null,
  });
  expect(await getContact(env.collector, keys.live, view!.contact_id)).toMatchObject({ merged_into: known.id });
});
