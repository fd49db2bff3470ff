import { beforeAll, describe, expect, it } from 'vitest';
import { type Answer, beaconTaken, call, humanUserAgent, testStore } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

/**
 * Every answer to a bad body: a 4xx (never 5xx) in the contract's error shape, each entry with a code and a message,
 * and no stack trace anywhere in it.
 */
function expectCleanError(answer: Answer, status: number | '4xx', code?: string) {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  if (status === '4xx') {
    expect(answer.status, text.slice(0, 400)).toBeGreaterThanOrEqual(400);
    expect(answer.status, text.slice(0, 400)).toBeLessThan(500);
  } else {
    expect(answer.status, text.slice(0, 400)).toBe(status);
  }
  expect(answer.headers.get('content-type')).toContain('application/json');
  expect(Array.isArray(answer.body.errors), text.slice(0, 400)).toBe(true);
  expect(answer.body.errors.length).toBeGreaterThan(0);
  for (const e of answer.body.errors)
    expect(e).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  if (code) expect(answer.body.errors.map((e: { code: string }) => e.code)).toContain(code);
  expect(text).not.toMatch(/\bat [^\s]+ \(?[^)]*:\d+:\d+\)?/);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node_modules|\/src\/|\.ts:\d+/);
}

interface Route {
  name: string;
  path: string;
  headers: () => Record<string, string>;
  valid: () => unknown;
  limit: number;
}

describe('bad request bodies never break the collector', () => {
  const c = useCollector({ account: { name: 'bodies' } });
  let before: { id: number };
  let seq = 0;

  const routes: Route[] = [
    {
      name: 'POST /v1/events',
      path: '/v1/events',
      headers: () => ({ authorization: `Bearer ${c.keys.live}` }),
      valid: () => ({ event: 'ok', contact_email: 'bodies@example.com' }),
      limit: 1024 * 1024,
    },
    {
      name: 'POST /v1/events/batch',
      path: '/v1/events/batch',
      headers: () => ({ authorization: `Bearer ${c.keys.live}` }),
      valid: () => ({ events: [{ event: 'ok', contact_email: 'bodies@example.com' }] }),
      limit: 1024 * 1024,
    },
    {
      name: 'POST /v1/contacts',
      path: '/v1/contacts',
      headers: () => ({ authorization: `Bearer ${c.keys.live}` }),
      valid: () => ({ email: 'bodies@example.com' }),
      limit: 1024 * 1024,
    },
    {
      name: 'POST /v1/collect',
      path: '/v1/collect',
      headers: () => ({ 'user-agent': humanUserAgent }),
      valid: () => ({
        key: c.keys.publishable,
        events: [{ id: `ok-${++seq}`, event: 'page_view', anonymous_id: 'anon-bodies' }],
      }),
      limit: 64 * 1024,
    },
    {
      name: 'POST /v1/admin/accounts',
      path: '/v1/admin/accounts',
      headers: () => ({ authorization: `Bearer ${c.config.adminToken}` }),
      valid: () => ({ name: 'bodies' }),
      limit: 1024 * 1024,
    },
  ];
  const serverRoutes = routes.filter((r) => r.path !== '/v1/collect');

  /** POST raw bytes with exactly this content type (none when null). */
  const send = (route: Route, body: string | Buffer | null, contentType: string | null) => {
    const headers: Record<string, string> = { ...route.headers() };
    if (contentType) headers['content-type'] = contentType;
    // A Buffer body keeps fetch from adding a text/plain content type of its own.
    return call(c.url + route.path, {
      method: 'POST',
      headers,
      ...(body === null ? {} : { body: typeof body === 'string' ? Buffer.from(body) : body }),
    });
  };

  beforeAll(async () => {
    const posted = await c.live.post('/v1/events', {
      event: 'before_bad_bodies',
      contact_email: 'first@example.com',
      data: { price: 9.5, sku: 'A1' },
      resource_url: 'https://shop.example/a1?utm_source=news',
    });
    expect(posted.status).toBe(201);
    before = posted.body;
  });

  describe.each(routes)('$name', (route) => {
    it('accepts a valid JSON body with a charset in the content type', async () => {
      const answer = await send(route, JSON.stringify(route.valid()), 'application/json; charset=utf-8');
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    });

    it('answers 400 invalid_json to invalid JSON', async () => {
      for (const body of ['{"event":', '{event: "x"}', "{'a':1}", '{"a":1,}', 'undefined', '\u0000']) {
        expectCleanError(await send(route, body, 'application/json'), 400, 'invalid_json');
      }
    });

    it('answers 400 to an empty body', async () => {
      expectCleanError(await send(route, '', 'application/json'), 400);
      expectCleanError(await send(route, null, 'application/json'), 400);
    });

    it('answers 400 to a POST without body or content type', async () => {
      expectCleanError(await send(route, null, null), 400);
    });

    it('answers 415 unsupported_media_type to a form-urlencoded body', async () => {
      expectCleanError(
        await send(route, 'event=x&contact_email=a%40b.co', 'application/x-www-form-urlencoded'),
        415,
        'unsupported_media_type',
      );
    });

    it('answers 415 unsupported_media_type to XML and multipart bodies', async () => {
      expectCleanError(await send(route, '<event>x</event>', 'application/xml'), 415, 'unsupported_media_type');
      expectCleanError(
        await send(
          route,
          '--b\r\nContent-Disposition: form-data; name="event"\r\n\r\nx\r\n--b--\r\n',
          'multipart/form-data; boundary=b',
        ),
        415,
        'unsupported_media_type',
      );
    });

    it('answers 413 payload_too_large to a body over the route limit', async () => {
      const body = JSON.stringify({ pad: 'x'.repeat(route.limit + 1024) });
      expectCleanError(await send(route, body, 'application/json'), 413, 'payload_too_large');
    });

    it.each([
      ['[]', 'an empty array'],
      ['[{"event":"ok"}]', 'an array of objects'],
      ['"hello"', 'a string'],
      ['42', 'a number'],
      ['null', 'null'],
      ['true', 'a boolean'],
    ])('answers 400 to %s (%s) instead of an object', async (body) => {
      expectCleanError(await send(route, body, 'application/json'), 400);
    });

    it('answers 4xx to a __proto__ key', async () => {
      const body = JSON.stringify(route.valid()).replace(/^\{/, '{"__proto__":{"polluted":true,"test":true},');
      expectCleanError(await send(route, body, 'application/json'), '4xx');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers 4xx to a constructor.prototype key', async () => {
      const body = JSON.stringify(route.valid()).replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},');
      expectCleanError(await send(route, body, 'application/json'), '4xx');
    });

    it('answers 4xx, not 5xx, to deeply nested JSON', async () => {
      const depth = 20_000;
      const body = JSON.stringify(route.valid()).replace(/^\{/, `{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`);
      expectCleanError(await send(route, body, 'application/json'), '4xx');
    });

    it('answers 4xx to a body that is valid JSON of the wrong shape everywhere', async () => {
      expectCleanError(
        await send(
          route,
          JSON.stringify({ event: { nested: true }, events: 'nope', email: 42, name: [], key: null }),
          'application/json',
        ),
        '4xx',
      );
    });
  });

  describe.each(serverRoutes)('$name (server API)', (route) => {
    it('answers 415 unsupported_media_type to text/plain', async () => {
      expectCleanError(await send(route, JSON.stringify(route.valid()), 'text/plain'), 415, 'unsupported_media_type');
      expectCleanError(
        await send(route, JSON.stringify(route.valid()), 'text/plain;charset=UTF-8'),
        415,
        'unsupported_media_type',
      );
    });
  });

  describe('POST /v1/collect (beacons)', () => {
    const collect = routes.find((r) => r.path === '/v1/collect')!;

    it('accepts text/plain JSON, as navigator.sendBeacon sends it', async () => {
      const answer = await send(collect, JSON.stringify(collect.valid()), 'text/plain;charset=UTF-8');
      expect(answer.status).toBe(200);
      expect(answer.body.results[0].status).toBe(beaconTaken);
    });

    it('answers 400 invalid_json to invalid JSON sent as text/plain', async () => {
      expectCleanError(await send(collect, '{"key":', 'text/plain;charset=UTF-8'), 400, 'invalid_json');
      expectCleanError(await send(collect, 'hello', 'text/plain'), 400, 'invalid_json');
    });

    it('answers 413 to a text/plain beacon over 64 KB', async () => {
      const body = JSON.stringify({ ...(collect.valid() as object), pad: 'x'.repeat(64 * 1024) });
      expectCleanError(await send(collect, body, 'text/plain;charset=UTF-8'), 413, 'payload_too_large');
    });

    it('accepts a beacon of 60 KB', async () => {
      const data = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`s${i}`, 'x'.repeat(2000)]));
      const events = [0, 1].map((i) => ({
        id: `big-${i}-${++seq}`,
        event: 'page_view',
        anonymous_id: 'anon-big',
        data,
      }));
      const body = JSON.stringify({ key: c.keys.publishable, events });
      expect(Buffer.byteLength(body)).toBeGreaterThan(55 * 1024);
      expect(Buffer.byteLength(body)).toBeLessThan(64 * 1024);
      const answer = await send(collect, body, 'text/plain;charset=UTF-8');
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
      expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual([beaconTaken, beaconTaken]);
    });

    it('answers 400 to a __proto__ key sent as text/plain', async () => {
      const body = JSON.stringify(collect.valid()).replace(/^\{/, '{"__proto__":{"polluted":true},');
      expectCleanError(await send(collect, body, 'text/plain'), '4xx');
    });

    it('rejects one malformed event of a beacon and stores the others', async () => {
      const body = {
        key: c.keys.publishable,
        events: [
          'nope',
          { id: `m-${++seq}`, event: 'page_view', anonymous_id: 'anon-m', data: { x: { y: 1 } } },
          { id: `m-${++seq}`, event: 'page_view', anonymous_id: 'anon-m' },
        ],
      };
      const answer = await send(collect, JSON.stringify(body), 'text/plain');
      expect(answer.status).toBe(200);
      expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual([
        'rejected',
        'rejected',
        beaconTaken,
      ]);
    });
  });

  describe('after all of it', () => {
    it('is still ready', async () => {
      const ready = await call(`${c.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', store: testStore });
    });

    it('still has the event posted before the bad bodies, unchanged', async () => {
      const answer = await c.live.get(`/v1/events/${before.id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(before);
    });

    it('polluted no prototype and stored no event from a bad body', async () => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const events = await c.live.get('/v1/events?limit=100');
      for (const e of events.body as Array<{ event: string; data: Record<string, unknown> }>) {
        expect(['before_bad_bodies', 'ok', 'page_view']).toContain(e.event);
        expect(e.data).not.toHaveProperty('polluted');
      }
    });

    it('still accepts a good event', async () => {
      const answer = await c.live.post('/v1/events', { event: 'ok', contact_email: 'after@example.com' });
      expect(answer.status).toBe(201);
    });
  });
});
