import { getContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { anonymousId, tracklet } from './support/tracker.js';

const env = useCollector();

test('logout is stored as the user, then the visitor is a new anonymous id and contact', async ({ page, build }) => {
  const { keys, url } = await env.visit('logout.html', build);
  await page.goto(`${url}/account`);
  await tracklet(page, 'login', { email: 'dana@example.com' });
  const before = await anonymousId(page);
  await page.click('#logout');
  await page.waitForSelector('body[data-signed-out=yes]');
  const after = await anonymousId(page);
  expect(after).not.toBe(before);
  // The next page load: a fresh anonymous visitor, no user.
  await page.goto(`${url}/goodbye`);
  const [login, logout, next] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'login', anonymous_id: before },
      { event: 'logout', anonymous_id: before },
      { event: 'page_view', url: `${url}/goodbye`, anonymous_id: after },
      { event: 'page_view', url: `${url}/account`, anonymous_id: before },
    ],
    exactly: true,
  });
  expect(logout!.contact_id).toBe(login!.contact_id);
  expect(logout!.session_id).not.toBe(next!.session_id);
  expect(next!.contact_id).not.toBe(login!.contact_id);
  expect(await getContact(env.collector, keys.live, login!.contact_id)).toMatchObject({
    email: 'dana@example.com',
    anonymous_ids: [before],
  });
  expect(await getContact(env.collector, keys.live, next!.contact_id)).toMatchObject({
    email: null,
    anonymous_ids: [after],
  });
});
