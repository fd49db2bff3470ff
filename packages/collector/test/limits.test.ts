import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { limits } from '@tracklet/protocol';
import { admin, beacon, call, createAccount } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

const post = (c: { url: string }, path: string, body: string, headers: Record<string, string>) =>
  call(c.url + path, {
    method: 'POST',
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

/**
 * Issue #7, every input limit in one place: body size per route (413), JSON nesting, batch and beacon caps, query
 * parameter bounds, path ids, header size. (Content types (415) are covered route by route in bad-bodies.test.ts.)
 */
describe('input limits', () => {
  const c = useCollector();
  const live = c.live;
  describe('body size per route', () => {
    const padded = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });
    it.each([
      ['/v1/events', limits.maxEventBytes],
      ['/v1/my/events', limits.maxEventBytes],
      ['/v1/events/batch', limits.maxBatchBytes],
      ['/v1/contacts', limits.maxEventBytes],
      ['/v1/collect', limits.maxBeaconBytes],
      ['/v1/admin/accounts', limits.maxEventBytes],
    ])('answers 413 payload_too_large to %s over %i bytes, and reads a body just under it', async (path, limit) => {
      const auth = { authorization: `Bearer ${path.startsWith('/v1/admin') ? c.config.adminToken : c.keys.live}` };
      expectError(await post(c, path, padded(limit), auth), 413, 'payload_too_large');
      const under = await post(c, path, padded(limit - 100), auth);
      expect(under.status).toBe(400);
      expect(under.body.errors[0].code).not.toBe('payload_too_large');
    });

    it('answers 413 on the admin PATCH and key routes too', async () => {
      const auth = { authorization: `Bearer ${c.config.adminToken}` };
      const account = await createAccount(c);
      for (const path of [`/v1/admin/accounts/${account.id}/keys`]) {
        expectError(await post(c, path, padded(limits.maxEventBytes), auth), 413, 'payload_too_large');
      }
      const patch = await call(`${c.url}/v1/admin/accounts/${account.id}`, {
        method: 'PATCH',
        body: Buffer.from(padded(limits.maxEventBytes)),
        headers: { 'content-type': 'application/json', ...auth },
      });
      expectError(patch, 413, 'payload_too_large');
    });
  });

  it(`answers 400 invalid_body to JSON nested deeper than ${limits.maxJsonDepth} levels, and reads ${limits.maxJsonDepth}`, async () => {
    const nested = (depth: number) =>
      `{"event":"deep","contact_email":"deep@example.com","data":{"a":${'['.repeat(depth - 2)}1${']'.repeat(depth - 2)}}}`;
    expectError(
      await post(c, '/v1/events', nested(limits.maxJsonDepth + 1), { authorization: `Bearer ${c.keys.live}` }),
      400,
      'invalid_body',
    );
    const atLimit = await post(c, '/v1/events', nested(limits.maxJsonDepth), {
      authorization: `Bearer ${c.keys.live}`,
    });
    expectError(atLimit, 400, 'invalid_property_value', 'data.a');
    const beaconText = `{"key":"${c.keys.publishable}","events":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`.slice(
      0,
      60_000,
    );
    expectError(await beacon(c, beaconText), 400, 'invalid_body');
  });

  it(`caps a batch at ${limits.maxBatchEvents} events and a beacon at ${limits.maxBeaconEvents}`, async () => {
    const events = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `cap-${n}-${i}`, event: 'cap', anonymous_id: 'cap' }));
    expectError(
      await live.post('/v1/events/batch', {
        events: events(limits.maxBatchEvents + 1).map(({ id: _id, ...e }) => ({
          ...e,
          contact_email: 'c@example.com',
        })),
      }),
      400,
      'invalid_field',
      'events',
    );
    expectError(
      await beacon(c, { key: c.keys.publishable, events: events(limits.maxBeaconEvents + 1) }),
      400,
      'invalid_field',
      'events',
    );
  });

  describe('query parameters', () => {
    it.each([
      ['limit=0', 'limit'],
      [`limit=${limits.maxPageSize + 1}`, 'limit'],
      ['limit=-1', 'limit'],
      ['limit=1.5', 'limit'],
      ['page=0', 'page'],
      ['page=1000001', 'page'],
      ['page=1e3', 'page'],
      ['after_id=abc', 'after_id'],
      ['contact_id=x', 'contact_id'],
      [`event=${'e'.repeat(65)}`, 'event'],
      [`anonymous_id=${'a'.repeat(129)}`, 'anonymous_id'],
      [`resource_uid=${'r'.repeat(257)}`, 'resource_uid'],
      [`resource_name=${'r'.repeat(513)}`, 'resource_name'],
      ['test=maybe', 'test'],
      ['created_after=yesterday', 'created_after'],
      ['created_before=2026-13-45', 'created_before'],
      ['unknown=1', 'unknown'],
      ['limit=1&limit=2', 'limit'],
      [`after_id=${'9'.repeat(17)}`, 'after_id'],
    ])('GET /v1/events?%s is a 400 invalid_parameter naming %s', async (query, path) => {
      expectError(await live.get(`/v1/events?${query}`), 400, 'invalid_parameter', path);
    });

    it.each([
      [`email=${'e'.repeat(321)}`, 'email'],
      [`phone=${'1'.repeat(65)}`, 'phone'],
      [`external_id=${'x'.repeat(257)}`, 'external_id'],
      ['limit=101', 'limit'],
      ['page=0', 'page'],
    ])('GET /v1/contacts?%s is a 400 invalid_parameter naming %s', async (query, path) => {
      expectError(await live.get(`/v1/contacts?${query}`), 400, 'invalid_parameter', path);
    });

    it('bounds the idempotency key of GET /v1/events/status', async () => {
      expectError(
        await live.get(`/v1/events/status?idempotency_key=${'k'.repeat(limits.maxIdempotencyKeyLength + 1)}`),
        400,
        'invalid_parameter',
        'idempotency_key',
      );
      expectError(await live.get('/v1/events/status?idempotency_key='), 400, 'invalid_parameter', 'idempotency_key');
    });
  });

  it('answers 200 and an empty page to created_after and created_before far beyond the id range (was a 500 on PostgreSQL)', async () => {
    for (const query of [
      `created_after=${'9'.repeat(16)}`,
      'created_after=9999-12-31T23:59:59Z',
      `created_before=${'9'.repeat(16)}&created_after=0`,
      'created_after=0001-01-01',
    ]) {
      const answer = await live.get(`/v1/events?${query}`);
      expect(answer.status, `${query}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    expect((await live.get(`/v1/events?created_after=${'9'.repeat(16)}`)).body).toEqual([]);
  });

  it('answers 404 to path ids that are not positive whole numbers of at most 16 digits, or over 100 characters', async () => {
    for (const id of ['0', '-1', 'abc', '1.5', '1e3', '9'.repeat(17), '%20', 'x'.repeat(101)]) {
      expectError(await live.get(`/v1/events/${id}`), 404, id.length > 100 ? 'not_found' : 'event_not_found');
      expectError(await live.get(`/v1/contacts/${id}`), 404, id.length > 100 ? 'not_found' : 'contact_not_found');
    }
    expectError(await live.get('/v1/events/%E0%A4%A'), 400, 'invalid_request');
  });

  it("answers 431 headers_too_large, in the contract's shape, to headers over 16 KB", async () => {
    const { port } = new URL(c.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let out = '';
      socket.on('data', (chunk) => {
        out += chunk;
      });
      socket.on('close', () => resolve(out));
      socket.write(
        `GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${c.keys.live}\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errors[0]).toMatchObject({
      code: 'headers_too_large',
    });
  });

  it("keeps the admin API's own bounds: ≤100 origins, ≤1000 events, names of 1–200 characters", async () => {
    const origins = Array.from({ length: 101 }, (_, i) => `https://o${i}.example`);
    expectError(
      await admin(c).post('/v1/admin/accounts', { name: 'x', allowed_origins: origins }),
      400,
      'invalid_field',
      'allowed_origins',
    );
    const events = Array.from({ length: 1001 }, (_, i) => `e${i}`);
    expectError(
      await admin(c).post('/v1/admin/accounts', { name: 'x', allowed_events: events }),
      400,
      'invalid_field',
      'allowed_events',
    );
    expectError(await admin(c).post('/v1/admin/accounts', { name: 'n'.repeat(201) }), 400, 'invalid_field', 'name');
  });
});
