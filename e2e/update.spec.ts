import { getContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { anonymousId, tracklet } from './support/tracker.js';

const env = useCollector();

test("update sets attributes on the visitor's contact, and null removes one", async ({ page, build }) => {
  const { keys, url } = await env.visit('update.html', build);
  await page.goto(`${url}/preferences`);
  const anon = await anonymousId(page);
  await page.fill('#color', 'teal');
  await page.fill('#size', 'M');
  await page.click('button[type=submit]');
  const [first] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'update', anonymous_id: anon, data: { color: 'teal', size: 'M' } }],
  });
  expect((await getContact(env.collector, keys.live, first!.contact_id)).attributes).toEqual({
    color: 'teal',
    size: 'M',
  });

  await page.fill('#color', '');
  await page.click('button[type=submit]');
  await expectEvents(env.collector, keys.live, {
    query: { event: 'update' },
    expected: [
      { event: 'update', data: { color: 'teal', size: 'M' } },
      { event: 'update', data: { color: null, size: 'M' }, contact_id: first!.contact_id },
    ],
    exactly: true,
  });
  expect((await getContact(env.collector, keys.live, first!.contact_id)).attributes).toEqual({ size: 'M' });
});

test('after login, update sets attributes on the known contact', async ({ page, build }) => {
  const { keys, url } = await env.visit('update.html', build);
  await page.goto(`${url}/preferences`);
  await tracklet(page, 'login', { email: 'cleo@example.com', name: 'Cleo' });
  await tracklet(page, 'update', { newsletter: true, name: null });
  const [login] = await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'login' }, { event: 'update', data: { newsletter: true, name: null } }],
  });
  const contact = await getContact(env.collector, keys.live, login!.contact_id);
  expect(contact).toMatchObject({ email: 'cleo@example.com', attributes: { newsletter: true } });
  expect(contact.attributes).not.toHaveProperty('name');
});
