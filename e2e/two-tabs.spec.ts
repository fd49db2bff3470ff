import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { anonymousId, recordBeacons, settle, tracklet } from './support/tracker.js';

const env = useCollector();

test('two tabs of the site are one visitor: one anonymous id, one session, one login', async ({ context, build }) => {
  const { keys, url } = await env.visit('two-tabs.html', build);
  const one = await context.newPage();
  await one.goto(`${url}/products`);
  // Each tab writes the shared queue (localStorage); let the first tab's write land before the second opens.
  await settle(one);
  const two = await context.newPage();
  // Either tab may send what the other queued (the queue is shared; a flush leases every free event).
  const beacons = recordBeacons(context);
  await two.goto(`${url}/cart`);
  await settle(two);
  expect(await anonymousId(two)).toBe(await anonymousId(one));

  // Signing in in one tab identifies the other tab's later events too: they carry the user.
  await tracklet(one, 'login', { email: 'eve@example.com' });
  await settle(one);
  await tracklet(two, 'track', 'cart_viewed', { items: 2 });
  await settle(two);
  expect(beacons.events.find((e) => e.event == 'cart_viewed')).toMatchObject({ user: { email: 'eve@example.com' } });

  const anon = await anonymousId(one);
  const [products, cart, login, viewed] = await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/products`, anonymous_id: anon },
      { event: 'page_view', url: `${url}/cart`, anonymous_id: anon },
      { event: 'login', anonymous_id: anon },
      { event: 'cart_viewed', anonymous_id: anon },
    ],
    exactly: true,
  });
  for (const e of [cart, login, viewed])
    expect(e).toMatchObject({ contact_id: products!.contact_id, session_id: products!.session_id });
});
