import { TAG_ONLY } from './support/browser.js';
import { getContact } from './support/contacts.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { recordBeacons, settle, tracklet } from './support/tracker.js';

const env = useCollector();

// The queue stub belongs to the script tag; the npm build has no stub (the `npm` project skips this file's tests).
test.describe('script tag queue stub', { tag: TAG_ONLY }, () => {
  test('calls made before t.js loads are replayed in order, then the automatic page_view', async ({ page, build }) => {
    const { keys, url } = await env.visit('queue-stub.html', build);
    const beacons = recordBeacons(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    await settle(page);
    // After load, the same window.tracklet is the tracker's dispatcher.
    await tracklet(page, 'track', 'step', { n: 5 });
    await settle(page);

    expect(beacons.events.map((e) => [e.event, (e.data as { n?: number } | undefined)?.n])).toEqual([
      ['step', 1],
      ['login', undefined],
      ['step', 2],
      ['update', undefined],
      ['step', 3],
      ['step', 4],
      ['page_view', undefined],
      ['step', 5],
    ]);
    // The queued login already applies to the events after it, the automatic page_view included.
    expect(beacons.events.find((e) => e.event == 'page_view')).toMatchObject({ user: { email: 'queued@example.com' } });
    expect(beacons.events[0]).not.toHaveProperty('user');
    expect(errors).toEqual([]);

    const stored = await expectEvents(env.collector, keys.live, {
      expected: [
        { event: 'step', data: { n: 1 } },
        { event: 'login' },
        { event: 'step', data: { n: 2 } },
        { event: 'update', data: { plan: 'trial' } },
        { event: 'step', data: { n: 3 } },
        { event: 'step', data: { n: 4 } },
        { event: 'page_view', url: `${url}/` },
        { event: 'step', data: { n: 5 } },
      ],
      exactly: true,
    });
    // One visitor, one contact: the anonymous one that the login named.
    expect(new Set(stored.map((e) => e.contact_id)).size).toBe(1);
    const contact = await getContact(env.collector, keys.live, stored[0]!.contact_id);
    expect(contact).toMatchObject({ email: 'queued@example.com', attributes: { name: 'Queued', plan: 'trial' } });
  });
});
