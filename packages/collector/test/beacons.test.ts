import { describe, expect, it } from 'vitest';
import { beacon, beaconTaken, call, client, createAccount, settled, startCollector } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const ipad =
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('browser beacons at /v1/collect', () => {
  const c = useCollector();
  const api = c.live;
  const event = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    event: 'page_view',
    anonymous_id: 'anon-b',
    ...extra,
  });

  it('stores text/plain beacons with url, title, referrer, session and enrichment, user_id null', async () => {
    const answer = await beacon(c, {
      key: c.keys.publishable,
      sent_at: new Date().toISOString(),
      events: [
        event('p-1', {
          url: 'https://shop.example/?utm_source=x&utm_medium=cpc',
          title: 'Shop',
          referrer: 'https://google.com/',
          session_id: 's-1',
        }),
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([{ index: 0, status: beaconTaken, id: expect.any(Number) }]);
    await settled(c);
    const stored = (await api.get(`/v1/events/${answer.body.results[0].id}`)).body;
    expect(stored).toMatchObject({
      event: 'page_view',
      url: 'https://shop.example/?utm_source=x&utm_medium=cpc',
      title: 'Shop',
      referrer: 'https://google.com/',
      session_id: 's-1',
      anonymous_id: 'anon-b',
      idempotency_key: 'p-1',
      user_id: null,
      utm_source: 'x',
      utm_medium: 'cpc',
      ip: '127.0.0.0',
      country: null,
      browser: 'Chrome',
      os: 'Linux',
      device_type: 'desktop',
      test: false,
    });
  });

  it('accepts application/json beacons too', async () => {
    const answer = await call(`${c.url}/v1/collect`, {
      method: 'POST',
      json: { key: c.keys.publishable, events: [event('p-json')] },
      headers: { 'user-agent': iphone },
    });
    expect(answer.body.results[0].status).toBe(beaconTaken);
    await settled(c);
    expect((await api.get(`/v1/events/${answer.body.results[0].id}`)).body).toMatchObject({
      device_type: 'mobile',
      os: 'iOS',
    });
  });

  it('recognises tablets from the user agent', async () => {
    const answer = await beacon(c, { key: c.keys.publishable, events: [event('p-ipad')] }, { 'user-agent': ipad });
    await settled(c);
    expect((await api.get(`/v1/events/${answer.body.results[0].id}`)).body.device_type).toBe('tablet');
  });

  it('stores a beacon whose User-Agent header is longer than the body field allows, cut to 1,024 characters', async () => {
    const long = `${iphone} ${'x'.repeat(3000)}`;
    const answer = await beacon(c, { key: c.keys.publishable, events: [event('p-long-ua')] }, { 'user-agent': long });
    expect(answer.body.results[0].status).toBe(beaconTaken);
    await settled(c);
    const stored = (await api.get(`/v1/events/${answer.body.results[0].id}`)).body;
    expect(stored.user_agent).toBe(long.slice(0, 1024));
    expect(stored.device_type).toBe('mobile');
  });

  it('stores a retried beacon once: the event id is its idempotency key', async () => {
    const body = { key: c.keys.publishable, events: [event('p-retry'), event('p-retry-2')] };
    const first = await beacon(c, body);
    const retry = await beacon(c, body);
    expect(retry.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(retry.body.results.map((r: { id: number }) => r.id)).toEqual(
      first.body.results.map((r: { id: number }) => r.id),
    );
    await settled(c);
    expect((await api.get('/v1/events/status?idempotency_key=p-retry')).body.status).toBe('created');
  });

  it('rejects one bad event without rejecting the others', async () => {
    const answer = await beacon(c, {
      key: c.keys.publishable,
      events: [
        event('p-ok'),
        { id: 'p-bad', event: 'Not Valid', anonymous_id: 'a' },
        event('p-nested', { data: { deep: { x: 1 } } }),
      ],
    });
    expect(answer.body.results[0].status).toBe(beaconTaken);
    expect(answer.body.results[1]).toMatchObject({
      index: 1,
      status: 'rejected',
      errors: [{ code: 'invalid_event_name', path: 'event' }],
    });
    expect(answer.body.results[2]).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'invalid_property_value', path: 'data.deep' }],
    });
  });

  it('drops the whole beacon of a bot user agent, stores nothing and counts it', async () => {
    const bot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    const answer = await beacon(
      c,
      { key: c.keys.publishable, events: [event('bot-1'), event('bot-2')] },
      { 'user-agent': bot },
    );
    expect(answer.body.results).toEqual([
      { index: 0, status: 'discarded', reason: 'bot' },
      { index: 1, status: 'discarded', reason: 'bot' },
    ]);
    expect((await api.get('/v1/events/status?idempotency_key=bot-1')).body.status).toBe('not_found');
    expect((await call(`${c.url}/metrics`)).body).toMatch(/tracklet_events_discarded_total\{reason="bot"\} 2/);
  });

  it('drops beacons from headless browsers', async () => {
    const headless =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36';
    const answer = await beacon(
      c,
      { key: c.keys.publishable, events: [event('headless-1')] },
      { 'user-agent': headless },
    );
    expect(answer.body.results[0].reason).toBe('bot');
  });

  it('resolves the contact from `user` once the visitor logged in', async () => {
    const contact = (await api.post('/v1/contacts', { email: 'buyer@example.com' })).body;
    const answer = await beacon(c, {
      key: c.keys.publishable,
      events: [event('p-user', { anonymous_id: 'anon-u', user: { email: 'BUYER@example.com' } })],
    });
    await settled(c);
    expect((await api.get(`/v1/events/${answer.body.results[0].id}`)).body.contact_id).toBe(contact.id);
  });

  it('lets any origin read the answer (CORS), including the preflight of JSON beacons', async () => {
    const preflight = await call(`${c.url}/v1/collect`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://any.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://any.example');
    const answer = await beacon(
      c,
      { key: c.keys.publishable, events: [event('p-cors')] },
      { origin: 'https://any.example' },
    );
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://any.example');
  });

  it('refuses envelopes without key or events, with more than 500 events, or over 64 KB', async () => {
    expect((await beacon(c, { events: [event('x')] })).body.errors[0]).toMatchObject({
      code: 'missing_field',
      path: 'key',
    });
    expect((await beacon(c, { key: c.keys.publishable, events: [] })).status).toBe(400);
    const many = Array.from({ length: 501 }, (_, i) => event(`m-${i}`));
    expect((await beacon(c, { key: c.keys.publishable, events: many })).status).toBe(400);
    const big = await beacon(c, { key: c.keys.publishable, events: [event('big', { title: 'x'.repeat(70_000) })] });
    expect(big.status).toBe(413);
    expect(big.body.errors[0].code).toBe('payload_too_large');
  });

  it('takes the client ip from the socket (stored cut to its /24 by default) and ignores X-Forwarded-For unless trust-proxy is on', async () => {
    const answer = await beacon(
      c,
      { key: c.keys.publishable, events: [event('p-xff')] },
      { 'x-forwarded-for': '203.0.113.9' },
    );
    await settled(c);
    expect((await api.get(`/v1/events/${answer.body.results[0].id}`)).body.ip).toBe('127.0.0.0');
    const proxied = await startCollector(`${c.dir}/proxy.db`, { TRACKLET_TRUST_PROXY: 'true' });
    try {
      const account = await createAccount(proxied);
      const via = await beacon(
        proxied,
        { key: account.keys.publishable, events: [event('p-xff2')] },
        { 'x-forwarded-for': '203.0.113.9' },
      );
      await settled(proxied);
      expect((await client(proxied, account.keys.live).get(`/v1/events/${via.body.results[0].id}`)).body.ip).toBe(
        '203.0.113.0',
      );
    } finally {
      await proxied.stop();
    }
  });
});
