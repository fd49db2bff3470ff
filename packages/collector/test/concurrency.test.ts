import { describe, expect, it } from 'vitest';
import { beacon, beaconTaken, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

/**
 * Issue #7, concurrency on one collector (both stores; postgres-concurrency.test.ts races two collector processes):
 * 100 identical idempotent requests of every kind store one event, and concurrent logins that identify the same
 * visitor as the same person end with one contact and every event exactly once.
 */
describe('concurrent requests', () => {
  const c = useCollector();
  const api = c.live;

  it('stores one event for 100 concurrent identical beacons and 100 identical batches, and every answer carries its id', async () => {
    const body = {
      key: c.keys.publishable,
      events: [
        { id: 'same-beacon-event', event: 'page_view', anonymous_id: 'anon-same', url: 'https://shop.example/' },
      ],
    };
    const beacons = await Promise.all(Array.from({ length: 100 }, () => beacon(c, body)));
    expect(beacons.every((a) => a.status === 200)).toBe(true);
    const beaconIds = new Set(beacons.map((a) => a.body.results[0].id));
    expect(beaconIds.size).toBe(1);
    expect(beacons.map((a) => a.body.results[0].status).sort()).toEqual([beaconTaken, ...Array(99).fill('duplicate')]);

    const batch = {
      events: [
        { event: 'same_batch', contact_email: 'batch@example.com', idempotency_key: 'same-batch-1' },
        { event: 'same_batch', contact_email: 'batch@example.com', idempotency_key: 'same-batch-2' },
      ],
    };
    const batches = await Promise.all(Array.from({ length: 100 }, () => api.post('/v1/events/batch', batch)));
    for (const index of [0, 1]) {
      expect(new Set(batches.map((a) => a.body.results[index].id)).size).toBe(1);
      expect(batches.filter((a) => a.body.results[index].status === 'created')).toHaveLength(1);
    }
    await settled(c);
    expect((await api.get('/v1/events?event=same_batch')).headers.get('x-total-count')).toBe('2');
    expect((await api.get('/v1/events?anonymous_id=anon-same')).headers.get('x-total-count')).toBe('1');
  });

  it('merges one visitor into one contact when 60 requests log it in at once, losing and doubling no event', async () => {
    const known = await api.post('/v1/contacts', { email: 'merge@example.com', attributes: { plan: 'pro' } });
    expect(known.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await beacon(c, {
            key: c.keys.publishable,
            events: [{ id: `pre-${i}`, event: 'page_view', anonymous_id: 'anon-merge', data: { n: `pre-${i}` } }],
          })
        ).status,
      ).toBe(200);
    }
    const requests = Array.from({ length: 60 }, (_, i) => {
      if (i % 3 === 0) {
        return beacon(c, {
          key: c.keys.publishable,
          events: [
            {
              id: `login-${i}`,
              event: 'login',
              anonymous_id: 'anon-merge',
              data: { email: 'MERGE@example.com', n: `req-${i}` },
            },
          ],
        });
      }
      if (i % 3 === 1) {
        return api.post('/v1/events', {
          event: 'login',
          anonymous_id: 'anon-merge',
          contact: { email: 'merge@example.com' },
          data: { n: `req-${i}` },
          idempotency_key: `login-api-${i}`,
        });
      }
      return beacon(c, {
        key: c.keys.publishable,
        events: [
          {
            id: `view-${i}`,
            event: 'page_view',
            anonymous_id: 'anon-merge',
            user: { email: 'merge@example.com' },
            data: { n: `req-${i}` },
          },
        ],
      });
    });
    const answers = await Promise.all(requests);
    expect(
      answers.every((a) => a.status === 200 || a.status === 201),
      JSON.stringify(answers.map((a) => a.status)),
    ).toBe(true);
    const outcomes = answers.map((a) => (a.status === 201 ? 'created' : a.body.results[0].status));
    const taken = (o: string) => o === 'created' || o === beaconTaken;
    expect(
      outcomes.filter((o) => !taken(o)),
      JSON.stringify(answers.filter((a) => a.status === 200 && !taken(a.body.results[0].status)).map((a) => a.body)),
    ).toEqual([]);
    await settled(c);

    const profile = (await api.get('/v1/contacts?email=merge@example.com')).body;
    expect(profile.id).toBe(known.body.id);
    expect(profile.anonymous_ids).toEqual(['anon-merge']);
    expect(profile.event_count).toBe(63);
    const live = (await api.get('/v1/contacts?limit=100')).body.filter(
      (p: { email: string | null; merged_into: number | null }) =>
        p.email?.toLowerCase() === 'merge@example.com' && p.merged_into === null,
    );
    expect(live).toHaveLength(1);
    const events = [...(await api.get(`/v1/contacts/${profile.id}/events?limit=100`)).body];
    expect(events).toHaveLength(63);
    expect(new Set(events.map((e: { id: number }) => e.id)).size).toBe(63);
    expect(new Set(events.map((e: { data: { n: string } }) => e.data.n)).size).toBe(63);
    expect(
      (await api.get('/v1/events?anonymous_id=anon-merge&limit=100')).body.every(
        (e: { contact_id: number }) => e.contact_id === profile.id,
      ),
    ).toBe(true);
  });

  it('creates one contact when 40 anonymous visitors log in with the same new email at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? beacon(c, {
              key: c.keys.publishable,
              events: [
                {
                  id: `new-login-${i}`,
                  event: 'login',
                  anonymous_id: `anon-new-${i}`,
                  data: { email: 'new.person@example.com' },
                },
              ],
            })
          : api.post('/v1/events', {
              event: 'login',
              anonymous_id: `anon-new-${i}`,
              contact: { email: 'New.Person@example.com' },
            }),
      ),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
    await settled(c);
    const profile = (await api.get('/v1/contacts?email=new.person@example.com')).body;
    expect(profile.event_count).toBe(40);
    expect(profile.anonymous_ids).toHaveLength(40);
    const all = (await api.get('/v1/contacts?limit=100')).body.filter(
      (p: { email: string | null; merged_into: number | null }) =>
        p.email?.toLowerCase() === 'new.person@example.com' && p.merged_into === null,
    );
    expect(all).toHaveLength(1);
  });
});
