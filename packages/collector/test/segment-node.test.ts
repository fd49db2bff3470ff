import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createAccount, settled, startCollector, tempDir, type TestCollector } from './support/collector.js';

const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

/** The real analytics-node client pointed at a collector, failing the test on any delivery failure. */
function segmentClient(
  url: string,
  writeKey: string,
  settings: Partial<ConstructorParameters<typeof Analytics>[0]> = {},
) {
  const analytics = new Analytics({ writeKey, host: url, maxRetries: 3, flushInterval: 200, ...settings });
  const failures: unknown[] = [];
  analytics.on('error', (error) => failures.push(error));
  return { analytics, failures };
}

describe('Segment HTTP API with the real @segment/analytics-node and @rudderstack/rudder-sdk-node', () => {
  const dir = tempDir();
  let c: TestCollector;
  let keys: { publishable: string; live: string; test: string };
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    c = await startCollector(`${dir.path}/seg.db`);
    ({ keys } = await createAccount(c));
    api = client(c, keys.live);
  });
  afterAll(async () => {
    await c.stop();
    dir.remove();
  });

  const eventsOf = async (contactId: number) =>
    (await api.get(`/v1/contacts/${contactId}/events?limit=100`)).body as Record<string, any>[];

  it('maps track, page, identify, group and alias onto one contact, merging the anonymous visitor', async () => {
    const { analytics, failures } = segmentClient(c.url, keys.live);
    analytics.track({
      anonymousId: 'seg-anon-1',
      event: 'Product Viewed',
      properties: { sku: 'A1', price: 9.5, tags: ['mug', 'blue'], product: { name: 'Mug', size: { cm: 12 } } },
      context: {
        ip: '203.0.113.9',
        userAgent: iphone,
        page: { url: 'https://shop.example/mug?gclid=g-1', title: 'Mug', referrer: 'https://search.example/' },
        campaign: { source: 'news', medium: 'email', name: 'spring' },
      },
    });
    analytics.page({
      anonymousId: 'seg-anon-1',
      name: 'Home',
      properties: { url: 'https://shop.example/', title: 'Home' },
    });
    analytics.identify({
      anonymousId: 'seg-anon-1',
      userId: 'user-1',
      traits: { email: 'Ada@Example.com', plan: 'pro', address: { city: 'London' } },
    });
    analytics.group({ userId: 'user-1', groupId: 'acme', traits: { name: 'Acme', employees: 40 } });
    analytics.alias({ userId: 'user-1', previousId: 'seg-anon-2' });
    analytics.track({ anonymousId: 'seg-anon-2', event: 'Signed Up' });
    await analytics.closeAndFlush();
    expect(failures).toEqual([]);
    await settled(c);

    const contact = (await api.get('/v1/contacts?email=ada@example.com')).body;
    expect(contact).toMatchObject({
      email: 'Ada@Example.com',
      external_id: 'user-1',
      attributes: { plan: 'pro', address_city: 'London', group_id: 'acme', group_name: 'Acme', group_employees: 40 },
    });
    expect(contact.anonymous_ids).toEqual(expect.arrayContaining(['seg-anon-1', 'seg-anon-2']));
    const events = await eventsOf(contact.id);
    expect(events.map((e) => e.event).sort()).toEqual(
      ['login', 'login', 'page_view', 'product_viewed', 'signed_up', 'update'].sort(),
    );
    const viewed = events.find((e) => e.event === 'product_viewed');
    expect(viewed).toMatchObject({
      data: {
        segment_event: 'Product Viewed',
        sku: 'A1',
        price: 9.5,
        tags: '["mug","blue"]',
        product_name: 'Mug',
        product_size_cm: 12,
      },
      ip: '203.0.113.9',
      device_type: 'mobile',
      url: 'https://shop.example/mug?gclid=g-1',
      title: 'Mug',
      referrer: 'https://search.example/',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
      click_ids: { gclid: 'g-1' },
      idempotency_key: expect.any(String),
    });
    expect(events.find((e) => e.event === 'page_view')).toMatchObject({
      url: 'https://shop.example/',
      title: 'Home',
      data: { name: 'Home' },
    });
  });

  it('stores Order Completed as a confirmation with its revenue, once per order_id', async () => {
    const { analytics, failures } = segmentClient(c.url, keys.live);
    const order = { order_id: 'order-7', revenue: 42.5, total: 50, products: [{ sku: 'A1', quantity: 2 }] };
    analytics.track({ userId: 'buyer-1', event: 'Order Completed', properties: order });
    analytics.track({ userId: 'buyer-1', event: 'Order Completed', properties: order });
    await analytics.closeAndFlush();
    expect(failures).toEqual([]);
    await settled(c);
    const stored = (await api.get('/v1/events?event=confirmation')).body as Record<string, any>[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      amount: 42.5,
      data: { order_id: 'order-7', segment_event: 'Order Completed', products: '[{"sku":"A1","quantity":2}]' },
    });
  });

  it('delivers a 500-message flush in one batch, every message stored once', async () => {
    const { analytics, failures } = segmentClient(c.url, keys.live, { flushAt: 500 });
    const requests: string[] = [];
    analytics.on('http_request', (request) => requests.push(request.url));
    for (let i = 0; i < 500; i++) analytics.track({ userId: `bulk-${i % 9}`, event: 'Bulk Tick', properties: { i } });
    await analytics.closeAndFlush();
    expect(failures).toEqual([]);
    expect(requests).toEqual([`${c.url}/v1/batch`]);
    await settled(c);
    const answer = await api.get('/v1/events?event=bulk_tick&limit=1');
    expect(answer.headers.get('x-total-count')).toBe('500');
  });

  it('takes a gzipped batch from RudderStack at the same route', async () => {
    const rudder = new RudderAnalytics(keys.live, { dataPlaneUrl: c.url, flushAt: 20, logLevel: 'error' });
    for (let i = 0; i < 5; i++) {
      rudder.track({ userId: 'rudder-1', event: 'Rudder Ping', properties: { i }, context: { ip: '198.51.100.4' } });
    }
    rudder.identify({ userId: 'rudder-1', traits: { email: 'rudder@example.com', tier: 'gold' } });
    await rudder.flush();
    await settled(c);
    const contact = (await api.get('/v1/contacts?email=rudder@example.com')).body;
    expect(contact).toMatchObject({ external_id: 'rudder-1', attributes: { tier: 'gold' } });
    const events = await eventsOf(contact.id);
    expect(
      events
        .filter((e) => e.event === 'rudder_ping')
        .map((e) => e.data.i)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(events.find((e) => e.event === 'rudder_ping')?.ip).toBe('198.51.100.4');
  });
});
