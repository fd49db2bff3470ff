import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { type Answer, admin, beacon, client, createAccount, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

function expectLimited(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(429);
  expect(answer.body.errors).toEqual([expect.objectContaining({ code: 'rate_limited', message: 'Rate limited' })]);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
}

let seq = 0;
const beaconBody = (key: string) => ({
  key,
  events: [{ id: `rl-${++seq}`, event: 'page_view', anonymous_id: 'anon-rl' }],
});

/**
 * Issue #7: @fastify/rate-limit budgets, per secret key for the server API and per client IP + publishable key for
 * beacons, with per-account settings from the admin API. Defaults here: 5 API requests and 3 beacons per minute.
 */
describe('rate limits', () => {
  const secret = 'rate-limit-jwt-secret-0123456789abcdef';
  const c = useCollector({
    account: false,
    env: {
      TRACKLET_RATE_LIMIT_API: '5',
      TRACKLET_RATE_LIMIT_BEACONS: '3',
      TRACKLET_TRUST_PROXY: 'true',
      TRACKLET_JWT_SECRET: secret,
    },
  });

  it("answers the request over the key's budget 429 rate_limited with Retry-After, in the contract's error shape", async () => {
    const live = client(c, (await createAccount(c)).keys.live);
    for (let i = 0; i < 5; i++) {
      const answer = await live.get('/v1/events');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('5');
    }
    expectLimited(await live.get('/v1/events'));
    expectLimited(
      await live.post('/v1/events', { event: 'over', contact_email: 'over@example.com', idempotency_key: 'over-1' }),
    );
  });

  it('stores nothing from a limited write', async () => {
    const account = await createAccount(c);
    const live = client(c, account.keys.live);
    for (let i = 0; i < 5; i++)
      expect((await live.post('/v1/events', { event: 'ok', contact_email: 'w@example.com' })).status).toBe(201);
    expectLimited(
      await live.post('/v1/events', { event: 'limited', contact_email: 'w@example.com', idempotency_key: 'limited-1' }),
    );
    expectLimited(
      await live.post('/v1/events/batch', { events: [{ event: 'limited', contact_email: 'w@example.com' }] }),
    );
    const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, {
      type: 'live',
      scopes: ['events.read'],
    });
    const reader = client(c, issued.body.key);
    expect((await reader.get('/v1/events?event=limited')).headers.get('x-total-count')).toBe('0');
    expect((await reader.get('/v1/events?event=ok')).headers.get('x-total-count')).toBe('5');
  });

  it('counts each key on its own: a second key of the same account keeps its budget', async () => {
    const account = await createAccount(c);
    const live = client(c, account.keys.live);
    for (let i = 0; i < 5; i++) await live.get('/v1/events');
    expectLimited(await live.get('/v1/events'));
    expect((await client(c, account.keys.test).get('/v1/events')).status).toBe(200);
  });

  it("never lets unknown or wrong keys spend a real key's budget", async () => {
    const account = await createAccount(c);
    const changed = account.keys.live.slice(0, -1) + (account.keys.live.endsWith('A') ? 'B' : 'A');
    for (const key of [changed, 'tk_live_0123456789abcdefghijklmnopqrstuv', 'garbage']) {
      for (let i = 0; i < 6; i++) expect((await client(c, key).get('/v1/events')).status).toBe(401);
    }
    for (let i = 0; i < 5; i++) expect((await client(c, account.keys.live).get('/v1/events')).status).toBe(200);
  });

  it('counts a JWT against its account', async () => {
    const account = await createAccount(c);
    const token = await new SignJWT({ account_id: account.id, scope: 'events.read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secret));
    for (let i = 0; i < 5; i++) expect((await client(c, token).get('/v1/events')).status).toBe(200);
    expectLimited(await client(c, token).get('/v1/events'));
    expect((await client(c, account.keys.live).get('/v1/events')).status).toBe(200);
  });

  it("takes an account's own budgets from the admin API, at creation and with PATCH (null = the default again)", async () => {
    const created = await admin(c).post('/v1/admin/accounts', { name: 'custom', rate_limit: { api_per_minute: 2 } });
    expect(created.status).toBe(201);
    expect(created.body.rate_limit).toEqual({ api_per_minute: 2, beacons_per_minute: null });
    const live = client(c, created.body.keys.live);
    for (let i = 0; i < 2; i++) expect((await live.get('/v1/events')).status).toBe(200);
    expectLimited(await live.get('/v1/events'));

    const patched = await admin(c).patch(`/v1/admin/accounts/${created.body.id}`, {
      rate_limit: { api_per_minute: 4, beacons_per_minute: 1 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.rate_limit).toEqual({ api_per_minute: 4, beacons_per_minute: 1 });
    // The window keeps counting: 3 requests so far (the refused one too), so a budget of 4 leaves one.
    expect((await live.get('/v1/events')).status).toBe(200);
    expectLimited(await live.get('/v1/events'));
    expect((await beacon(c, beaconBody(created.body.keys.publishable))).status).toBe(200);
    expectLimited(await beacon(c, beaconBody(created.body.keys.publishable)));

    const name = await admin(c).patch(`/v1/admin/accounts/${created.body.id}`, { name: 'renamed' });
    expect(name.body.rate_limit).toEqual({ api_per_minute: 4, beacons_per_minute: 1 });
    const one = await admin(c).patch(`/v1/admin/accounts/${created.body.id}`, {
      rate_limit: { beacons_per_minute: null },
    });
    expect(one.body.rate_limit).toEqual({ api_per_minute: 4, beacons_per_minute: null });
    const reset = await admin(c).patch(`/v1/admin/accounts/${created.body.id}`, { rate_limit: null });
    expect(reset.body.rate_limit).toEqual({ api_per_minute: null, beacons_per_minute: null });
  });

  it('refuses budgets that are not whole numbers from 1 to 1,000,000', async () => {
    for (const rate_limit of [
      { api_per_minute: 0 },
      { api_per_minute: -1 },
      { beacons_per_minute: 1.5 },
      { api_per_minute: 1e7 },
      { api_per_minute: '5' },
      { other: 1 },
    ]) {
      const answer = await admin(c).post('/v1/admin/accounts', { name: 'bad', rate_limit });
      expect(answer.status, JSON.stringify(rate_limit)).toBe(400);
      expect(answer.body.errors[0].path).toMatch(/^rate_limit/);
    }
  });

  describe('beacons', () => {
    it('limits per client IP and publishable key, and a limited beacon stores none of its events', async () => {
      const { keys } = await createAccount(c);
      const ip = { 'x-forwarded-for': '203.0.113.7' };
      for (let i = 0; i < 3; i++) expect((await beacon(c, beaconBody(keys.publishable), ip)).status).toBe(200);
      const limited = beaconBody(keys.publishable);
      expectLimited(await beacon(c, limited, ip));
      await settled(c);
      expect(
        (await client(c, keys.live).get(`/v1/events/status?idempotency_key=${limited.events[0]?.id}`)).body.status,
      ).toBe('not_found');
      // Another client IP has its own budget, and so has the same IP with another account's key.
      expect((await beacon(c, beaconBody(keys.publishable), { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
      expect((await beacon(c, beaconBody((await createAccount(c)).keys.publishable), ip)).status).toBe(200);
    });

    it("never lets beacons with unknown keys spend a real key's budget from the same IP", async () => {
      const { keys } = await createAccount(c);
      const ip = { 'x-forwarded-for': '198.51.100.20' };
      for (let i = 0; i < 10; i++)
        expect((await beacon(c, beaconBody('tk_pub_0123456789abcdefghijklmnopqrstuv'), ip)).status).toBe(401);
      for (let i = 0; i < 3; i++) expect((await beacon(c, beaconBody(keys.publishable), ip)).status).toBe(200);
    });
  });
});

describe('rate limit configuration', () => {
  it('reads TRACKLET_RATE_LIMIT_API and TRACKLET_RATE_LIMIT_BEACONS (0 = no limit) and names a bad value', () => {
    expect(loadConfig({}).rateLimits).toEqual({ apiPerMinute: 6000, beaconsPerMinute: 1200 });
    expect(loadConfig({ TRACKLET_RATE_LIMIT_API: '0', TRACKLET_RATE_LIMIT_BEACONS: '50' }).rateLimits).toEqual({
      apiPerMinute: 0,
      beaconsPerMinute: 50,
    });
    expect(() => loadConfig({ TRACKLET_RATE_LIMIT_API: 'lots' })).toThrow(/TRACKLET_RATE_LIMIT_API/);
    expect(() => loadConfig({ TRACKLET_RATE_LIMIT_BEACONS: '-1' })).toThrow(/TRACKLET_RATE_LIMIT_BEACONS/);
  });

  describe('with a budget of 0', () => {
    const live = useCollector({ env: { TRACKLET_RATE_LIMIT_API: '0' } }).live;

    it('does not limit at all', async () => {
      const answers = await Promise.all(Array.from({ length: 30 }, () => live.get('/v1/events?limit=1')));
      expect(answers.every((a) => a.status === 200 && a.headers.get('x-ratelimit-limit') === null)).toBe(true);
    });
  });
});
