import { describe, expect, it } from 'vitest';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const chromeLinux =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('event validation and normalisation on POST /v1/events', () => {
  const c = useCollector({ account: { name: 'validation' } });
  const live = c.live;
  const testKey = c.test;
  /** A valid event naming its contact; `extra` overrides or adds fields. */
  const post = (extra: Record<string, unknown> = {}) =>
    live.post('/v1/events', { event: 'signup', contact_email: 'val@example.com', ...extra });

  describe('event name', () => {
    it.each(['Signup', '1signup', 'sign-up', 'sign up', '_signup', 'a'.repeat(65), ''])(
      'refuses the event name %j with invalid_event_name at path event',
      async (name) => {
        expectError(await post({ event: name }), 400, 'invalid_event_name', 'event');
      },
    );

    it('accepts names of 1 and 64 characters of [a-z0-9_] starting with a letter', async () => {
      for (const name of ['a', `a${'b_9'.repeat(21)}`]) {
        const answer = await post({ event: name });
        expect(answer.status, JSON.stringify(answer.body)).toBe(201);
        expect(answer.body.event).toBe(name);
      }
    });

    it('answers missing_field at path event when event is missing', async () => {
      expectError(await live.post('/v1/events', { contact_email: 'val@example.com' }), 400, 'missing_field', 'event');
    });
  });

  describe('data', () => {
    it('refuses a nested object value with invalid_property_value at data.<key>', async () => {
      expectError(await post({ data: { x: { a: 1 } } }), 400, 'invalid_property_value', 'data.x');
    });

    it('refuses an array value with invalid_property_value at data.<key>', async () => {
      expectError(await post({ data: { x: [1, 2] } }), 400, 'invalid_property_value', 'data.x');
    });

    it('refuses a string value over 2048 characters and accepts one of exactly 2048', async () => {
      expectError(await post({ data: { x: 'a'.repeat(2049) } }), 400, 'invalid_property_value', 'data.x');
      const ok = await post({ data: { x: 'a'.repeat(2048) } });
      expect(ok.status).toBe(201);
      expect(ok.body.data.x).toHaveLength(2048);
    });

    it.each(['bad-key', 'with space', 'é', 'k'.repeat(129)])(
      'refuses the property name %j with invalid_property_name',
      async (key) => {
        expectError(await post({ data: { [key]: 1 } }), 400, 'invalid_property_name', `data.${key}`);
      },
    );

    it('keeps property names case-sensitive: Price and price are two properties', async () => {
      const answer = await post({ event: 'case_check', data: { Price: 1, price: 2, [`K${'_'.repeat(127)}`]: true } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body.data).toEqual({ Price: 1, price: 2, [`K${'_'.repeat(127)}`]: true });
    });

    it('refuses more than 100 properties with too_many_properties and accepts exactly 100', async () => {
      const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));
      expectError(await post({ event: 'many_props', data: keys(101) }), 400, 'too_many_properties');
      const ok = await post({ event: 'many_props', data: keys(100) });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(Object.keys(ok.body.data)).toHaveLength(100);
    });

    it('refuses data over 32 KB as JSON with data_too_large', async () => {
      const data = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, 'a'.repeat(2000)]));
      expect(JSON.stringify(data).length).toBeGreaterThan(32 * 1024);
      expectError(await post({ event: 'big_data', data }), 400, 'data_too_large');
    });

    it('counts the 32 KB data limit in UTF-8 bytes, not characters', async () => {
      // 20 × 1000 "é" is ~20 K characters but ~40 KB of UTF-8 JSON.
      const data = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, 'é'.repeat(1000)]));
      expect(JSON.stringify(data).length).toBeLessThan(32 * 1024);
      expect(Buffer.byteLength(JSON.stringify(data))).toBeGreaterThan(32 * 1024);
      expectError(await post({ event: 'big_data', data }), 400, 'data_too_large');
    });

    it('accepts data just under 32 KB', async () => {
      const data = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`s${i}`, 'a'.repeat(2000)]));
      expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(32 * 1024);
      expect((await post({ event: 'big_data', data })).status).toBe(201);
    });

    it('rounds floats to 6 decimal places and leaves integers untouched', async () => {
      const answer = await post({
        event: 'rounding',
        data: { f: 1.23456789, g: -2.0000004, i: 42, big: 9007199254740991, neg: -17 },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body.data).toEqual({ f: 1.234568, g: -2, i: 42, big: 9007199254740991, neg: -17 });
      const read = await live.get(`/v1/events/${answer.body.id}`);
      expect(read.body.data).toEqual(answer.body.data);
    });

    it('accepts string, number, boolean and null values and stores them as given', async () => {
      const data = { s: 'text', n: 3, b: false, z: null };
      const answer = await post({ event: 'scalars', data });
      expect(answer.status).toBe(201);
      expect((await live.get(`/v1/events/${answer.body.id}`)).body.data).toEqual(data);
    });
  });

  describe('UTM fields', () => {
    const utmQuery = 'utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero';

    it('takes every utm_* field from the resource_url query string when absent', async () => {
      const answer = await post({ event: 'utm', resource_url: `https://shop.example/p?${utmQuery}` });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        utm_source: 'news',
        utm_medium: 'email',
        utm_campaign: 'spring',
        utm_term: 'shoes',
        utm_content: 'hero',
      });
    });

    it('takes utm_* from the page url when there is no resource_url', async () => {
      const answer = await post({ event: 'utm', url: `https://shop.example/?${utmQuery}` });
      expect(answer.body).toMatchObject({
        utm_source: 'news',
        utm_medium: 'email',
        utm_campaign: 'spring',
        utm_term: 'shoes',
        utm_content: 'hero',
      });
    });

    it('prefers resource_url over the page url', async () => {
      const answer = await post({
        event: 'utm',
        resource_url: 'https://shop.example/p?utm_source=resource',
        url: 'https://shop.example/?utm_source=page',
      });
      expect(answer.body.utm_source).toBe('resource');
    });

    it('keeps explicit utm fields over the query string ones', async () => {
      const answer = await post({
        event: 'utm',
        utm_source: 'explicit',
        resource_url: `https://shop.example/p?${utmQuery}`,
      });
      expect(answer.body.utm_source).toBe('explicit');
      expect(answer.body.utm_medium).toBe('email');
    });

    it('stores null utm fields when neither the body nor a URL carries them', async () => {
      const answer = await post({ event: 'utm', resource_url: 'https://shop.example/p' });
      expect(answer.body).toMatchObject({
        utm_source: null,
        utm_medium: null,
        utm_campaign: null,
        utm_term: null,
        utm_content: null,
      });
    });
  });

  describe('timestamp', () => {
    it('stores epoch milliseconds as occurred_at', async () => {
      const answer = await post({ timestamp: 1795000000000 });
      expect(answer.status).toBe(201);
      expect(answer.body.occurred_at).toBe(new Date(1795000000000).toISOString());
    });

    it('stores an ISO-8601 timestamp as occurred_at, normalising the offset', async () => {
      expect((await post({ timestamp: '2026-01-31T10:00:00.000Z' })).body.occurred_at).toBe('2026-01-31T10:00:00.000Z');
      expect((await post({ timestamp: '2026-01-31T12:00:00+02:00' })).body.occurred_at).toBe(
        '2026-01-31T10:00:00.000Z',
      );
    });

    it('defaults occurred_at to the receive time', async () => {
      const before = Date.now();
      const answer = await post();
      const after = Date.now();
      const at = Date.parse(answer.body.occurred_at);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
      expect(answer.body.occurred_at).toBe(answer.body.created_at);
    });

    it('refuses a timestamp that is neither ISO-8601 nor epoch milliseconds', async () => {
      expectError(await post({ timestamp: 'yesterday' }), 400, null, 'timestamp');
    });
  });

  describe('top-level fields', () => {
    it('refuses an unknown top-level field with unknown_field naming it', async () => {
      expectError(await post({ colour: 'red' }), 400, 'unknown_field', 'colour');
    });

    it.each([
      ['amount', '12.5'],
      ['test', 'yes'],
      ['data', 'text'],
      ['resource_uid', 42],
    ])('answers invalid_field, not missing_field, to %s given with the wrong type', async (field, value) => {
      const answer = await post({ [field]: value });
      expectError(answer, 400, 'invalid_field', field);
      expect(answer.body.errors.map((e: { code: string }) => e.code)).not.toContain('missing_field');
    });

    it('refuses a resource_url that is not a URL', async () => {
      expectError(await post({ resource_url: 'not a url' }), 400, 'invalid_field', 'resource_url');
    });

    it('answers 404 contact_not_found for a contact_id that does not exist', async () => {
      expectError(await live.post('/v1/events', { event: 'signup', contact_id: 987654321 }), 404, 'contact_not_found');
    });

    it('answers 400 contact_required when a server API event names no contact', async () => {
      expectError(await live.post('/v1/events', { event: 'signup' }), 400, 'contact_required');
    });

    it('does not take anonymous_id alone as the contact of a server API event', async () => {
      expectError(await live.post('/v1/events', { event: 'signup', anonymous_id: 'anon-1' }), 400, 'contact_required');
    });

    it('resolves contact_phone and external_id as contact identities', async () => {
      const byPhone = await live.post('/v1/events', { event: 'signup', contact_phone: '+15550001' });
      const byExternal = await live.post('/v1/events', { event: 'signup', external_id: 'crm-1' });
      expect(byPhone.status).toBe(201);
      expect(byExternal.status).toBe(201);
      expect(byPhone.body.contact_id).not.toBe(byExternal.body.contact_id);
    });

    it('answers 400 order_id_required for a confirmation without data.order_id', async () => {
      expectError(await post({ event: 'confirmation', data: { total: 10 } }), 400, 'order_id_required');
      expectError(await post({ event: 'confirmation' }), 400, 'order_id_required');
    });

    it('stores test: true for every event written with a tk_test_ key', async () => {
      const withTest = await testKey.post('/v1/events', { event: 'signup', contact_email: 'val@example.com' });
      expect(withTest.status).toBe(201);
      expect(withTest.body.test).toBe(true);
      const overridden = await testKey.post('/v1/events', {
        event: 'signup',
        contact_email: 'val@example.com',
        test: false,
      });
      expect(overridden.body.test).toBe(true);
      expect((await post()).body.test).toBe(false);
      expect((await post({ test: true })).body.test).toBe(true);
    });

    it('stores amount as given', async () => {
      const answer = await post({ event: 'purchase', amount: 49.95 });
      expect(answer.body.amount).toBe(49.95);
      expect((await live.get(`/v1/events/${answer.body.id}`)).body.amount).toBe(49.95);
      expect((await post()).body.amount).toBeNull();
    });

    it('stores what it was about: resource_uid, resource_name, resource_url', async () => {
      const answer = await post({
        resource_uid: 'sku-1',
        resource_name: 'Blue shoe',
        resource_url: 'https://shop.example/sku-1',
      });
      expect(answer.body).toMatchObject({
        resource_uid: 'sku-1',
        resource_name: 'Blue shoe',
        resource_url: 'https://shop.example/sku-1',
      });
    });
  });

  describe('server-side ip and user_agent', () => {
    it('enriches a mobile user_agent given in the body into browser, os and device_type', async () => {
      const answer = await post({ ip: '203.0.113.7', user_agent: iphone });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body).toMatchObject({ ip: '203.0.113.0', user_agent: iphone, os: 'iOS', device_type: 'mobile' });
      expect(answer.body.browser).toMatch(/Safari/);
    });

    it('enriches a desktop user_agent given in the body into browser, os and device_type', async () => {
      const answer = await post({ ip: '2001:db8::1', user_agent: chromeLinux });
      expect(answer.body).toMatchObject({
        ip: '2001:db8::',
        user_agent: chromeLinux,
        browser: 'Chrome',
        os: 'Linux',
        device_type: 'desktop',
      });
      expect((await live.get(`/v1/events/${answer.body.id}`)).body).toMatchObject({
        browser: 'Chrome',
        os: 'Linux',
        device_type: 'desktop',
      });
    });

    it('refuses an ip that is not an IP address', async () => {
      expectError(await post({ ip: 'localhost' }), 400, 'invalid_field', 'ip');
    });
  });

  it('answers a stored event with every field of the contract', async () => {
    const answer = await post({ event: 'shape' });
    expect(Object.keys(answer.body)).toEqual(
      expect.arrayContaining([
        'id',
        'account_id',
        'contact_id',
        'user_id',
        'anonymous_id',
        'session_id',
        'event',
        'amount',
        'data',
        'idempotency_key',
        'resource_uid',
        'resource_name',
        'resource_url',
        'url',
        'title',
        'test',
        'generated',
        'chain_depth',
        'ip',
        'user_agent',
        'browser',
        'os',
        'device_type',
        'referrer',
        'utm_source',
        'utm_medium',
        'utm_term',
        'utm_content',
        'utm_campaign',
        'occurred_at',
        'created_at',
        'updated_at',
      ]),
    );
    expect(answer.body).toMatchObject({
      generated: false,
      chain_depth: 0,
      user_id: expect.any(Number),
      contact_id: expect.any(Number),
    });
  });
});
