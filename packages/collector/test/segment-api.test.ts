import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  client,
  createAccount,
  humanUserAgent,
  settled,
  startCollector,
  tempDir,
  type TestCollector,
} from './support/collector.js';

/** The Segment HTTP API's edges, with hand-built requests (the real clients are in segment-node.test.ts). */
describe('Segment HTTP API: auth, errors, limits, time', () => {
  const dir = tempDir();
  let c: TestCollector;
  let keys: { publishable: string; live: string; test: string };
  let api: ReturnType<typeof client>;
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(c.url + path, {
      method: 'POST',
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: basic(keys.live), ...headers },
    });
  const fromBrowser = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(c.url + path, {
      method: 'POST',
      body: JSON.stringify({ writeKey: keys.publishable, ...body }),
      headers: {
        'content-type': 'text/plain',
        'user-agent': humanUserAgent,
        origin: 'https://shop.example',
        ...headers,
      },
    });

  beforeAll(async () => {
    c = await startCollector(`${dir.path}/api.db`, { TRACKLET_RATE_LIMIT_API: '40' });
    ({ keys } = await createAccount(c, { allowed_origins: ['https://shop.example'] }));
    api = client(c, keys.live);
  });
  afterAll(async () => {
    await c.stop();
    dir.remove();
  });

  it('refuses a request without a write key 401, and a secret key sent only in the body 403', async () => {
    const none = await post('/v1/track', { userId: 'u', event: 'x' }, { authorization: '' });
    expect(none.status).toBe(401);
    expect(none.body.errors[0].code).toBe('unauthorized');
    const inBody = await post('/v1/track', { writeKey: keys.live, userId: 'u', event: 'x' }, { authorization: '' });
    expect(inBody.status).toBe(403);
    expect(inBody.body.errors[0].code).toBe('publishable_key_required');
    const unknown = await post('/v1/track', { userId: 'u', event: 'x' }, { authorization: basic('tk_live_nope') });
    expect(unknown.status).toBe(401);
  });

  it('takes a secret key as a Bearer token too, and answers 200 {"success":true}', async () => {
    const answer = await post(
      '/v1/track',
      { userId: 'bearer-1', event: 'Bearer Ping' },
      { authorization: `Bearer ${keys.live}` },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ success: true, results: [{ index: 0, status: expect.any(String) }] });
  });

  it('rejects one bad message of a batch in the contract error shape and stores the others', async () => {
    const answer = await post('/v1/batch', {
      batch: [
        { type: 'track', messageId: 'b-ok-1', userId: 'batch-1', event: 'Batch Ok' },
        { type: 'launch', messageId: 'b-bad-1', userId: 'batch-1' },
        { type: 'track', messageId: 'b-bad-2', userId: 'batch-1', event: '***' },
        { type: 'track', messageId: 'b-bad-3', event: 'No One' },
        {
          type: 'track',
          messageId: 'b-bad-4',
          userId: 'batch-1',
          event: 'Long',
          properties: { list: ['x'.repeat(3000)] },
        },
        { type: 'track', messageId: 'b-ok-2', userId: 'batch-1', event: 'Batch Ok' },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual([
      expect.stringMatching(/created|accepted/),
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      expect.stringMatching(/created|accepted/),
    ]);
    const codes = answer.body.results.slice(1, 5).map((r: { errors: { code: string }[] }) => r.errors[0]?.code);
    expect(codes).toEqual(['invalid_field', 'invalid_event_name', 'contact_required', 'invalid_property_value']);
    expect(answer.body.results[4].errors[0]).toMatchObject({
      message: 'Invalid property value',
      path: 'properties.list',
    });
  });

  it('answers a single message that cannot be mapped 400 with the contract error body', async () => {
    const answer = await post('/v1/identify', { messageId: 'i-bad', userId: 'u', traits: { email: 'not-an-email' } });
    expect(answer.status).toBe(400);
    // The contract's own checks ran on the mapped event; the error names the field the sender wrote.
    expect(answer.body.errors[0]).toMatchObject({ code: 'invalid_field', path: 'traits.email' });
    expect(answer.body.errors[0].description).toMatch(/^traits\.email/);
  });

  it("names the message's properties in a property type mismatch found by the writer", async () => {
    const first = await post('/v1/track', { userId: 'typed', event: 'Typed', properties: { price: 1.5 } });
    expect(first.status).toBe(200);
    const second = await post('/v1/batch', {
      batch: [{ type: 'track', userId: 'typed', event: 'Typed', properties: { price: 'cheap' } }],
    });
    expect(second.body.results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'property_type_mismatch', path: 'properties.price' }],
    });
  });

  it('holds a message to 32 KB (413 alone, a per-message error in a batch) and a batch to 500 KB', async () => {
    const big = { userId: 'big', event: 'Big', properties: { blob: 'x'.repeat(33 * 1024) } };
    expect((await post('/v1/track', big)).status).toBe(413);
    const inBatch = await post('/v1/batch', { batch: [{ type: 'track', ...big }] });
    expect(inBatch.status).toBe(200);
    expect(inBatch.body.results[0].errors[0].code).toBe('payload_too_large');
    const huge = Array.from({ length: 20 }, () => ({
      type: 'track',
      ...big,
      properties: { blob: 'y'.repeat(30_000) },
    }));
    const tooBig = await post('/v1/batch', { batch: huge });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.errors[0].code).toBe('payload_too_large');
  });

  it("corrects the client's clock skew: receivedAt - (sentAt - originalTimestamp)", async () => {
    // The device's clock is a day behind; the event happened 30 s before it was sent.
    const skewed = Date.now() - 86_400_000;
    const before = Date.now();
    const answer = await post('/v1/batch', {
      sentAt: new Date(skewed).toISOString(),
      batch: [
        {
          type: 'track',
          messageId: 'skew-1',
          userId: 'skew',
          event: 'Skewed',
          originalTimestamp: new Date(skewed - 30_000).toISOString(),
        },
      ],
    });
    const after = Date.now();
    await settled(c);
    const [stored] = (await api.get('/v1/events?event=skewed')).body;
    const at = Date.parse(stored.occurred_at);
    expect(answer.status).toBe(200);
    expect(at).toBeGreaterThanOrEqual(before - 30_000 - 5);
    expect(at).toBeLessThanOrEqual(after - 30_000 + 5);
  });

  it('stores a retried message once even though its sentAt and _metadata changed', async () => {
    const message = {
      type: 'track',
      messageId: 'retry-1',
      anonymousId: 'anon-r',
      event: 'Retried',
      properties: { n: 1 },
    };
    const first = await post('/v1/batch', { batch: [message], sentAt: new Date().toISOString() });
    const again = await post('/v1/batch', {
      batch: [{ ...message, _metadata: { retryCount: 1 } }],
      sentAt: new Date(Date.now() + 1000).toISOString(),
    });
    expect(first.body.results[0].status).toMatch(/created|accepted/);
    expect(again.body.results[0].status).toBe('duplicate');
    await settled(c);
    expect((await api.get('/v1/events?event=retried')).body).toHaveLength(1);
  });

  it('takes a gzipped batch, and refuses a corrupt one 400 and other encodings 415', async () => {
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'gz', event: 'Zipped' }] }));
    const ok = await post('/v1/batch', body, { 'content-encoding': 'gzip' });
    expect(ok.status).toBe(200);
    const corrupt = await post('/v1/batch', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.errors[0].code).toEqual(expect.any(String));
    const brotli = await post('/v1/batch', '{}', { 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
  });

  it('takes a publishable writeKey from an allowed origin, refuses other origins 403, drops bots', async () => {
    const page = { messageId: 'pub-1', anonymousId: 'anon-pub', properties: { url: 'https://shop.example/' } };
    const ok = await fromBrowser('/v1/p', page);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const elsewhere = await fromBrowser('/v1/p', { ...page, messageId: 'pub-2' }, { origin: 'https://evil.example' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.errors[0].code).toBe('origin_not_allowed');
    const bot = await fromBrowser('/v1/p', { ...page, messageId: 'pub-3' }, { 'user-agent': 'Googlebot/2.1' });
    expect(bot.body.results).toEqual([{ index: 0, status: 'discarded', reason: 'bot' }]);
  });

  it("answers the browser's preflight with Authorization allowed", async () => {
    const answer = await call(`${c.url}/v1/b`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('answers over the key budget 429 with Retry-After, so the clients back off and retry', async () => {
    let last = await post('/v1/track', { userId: 'rl', event: 'Budget' });
    for (let i = 0; i < 60 && last.status !== 429; i++)
      last = await post('/v1/track', { userId: 'rl', event: 'Budget' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.body.errors[0].code).toBe('rate_limited');
  });
});
