import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, beacon, beaconTaken, call, client, createAccount, storedText } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

const event = (extra: Record<string, unknown> = {}) => ({
  event: 'signup',
  contact_email: 'auth@example.com',
  ...extra,
});
let beaconSeq = 0;
const beaconBody = (key: string) => ({
  key,
  events: [{ id: `ev-${++beaconSeq}`, event: 'page_view', anonymous_id: 'anon-auth', url: 'https://shop.example/' }],
});

describe('API keys, scopes, origins and the admin API', () => {
  const c = useCollector({ account: false });

  describe('server API bearer keys', () => {
    it('answers 401 unauthorized without an Authorization header', async () => {
      expectError(await call(`${c.url}/v1/events`), 401, 'unauthorized');
      expectError(await call(`${c.url}/v1/events`, { method: 'POST', json: event() }), 401, 'unauthorized');
    });

    it('answers 401 for an unknown tk_ key of every type', async () => {
      for (const key of [
        'tk_live_0123456789abcdefghijklmnopqrstuv',
        'tk_test_0123456789abcdefghijklmnopqrstuv',
        'tk_pub_0123456789abcdefghijklmnopqrstuv',
        'tk_',
      ]) {
        expectError(await client(c, key).get('/v1/events'), 401, 'unauthorized');
      }
    });

    it('answers 401 for a known key with one character changed', async () => {
      const account = await createAccount(c);
      const key = account.keys.live;
      const changed = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      expectError(await client(c, changed).get('/v1/events'), 401, 'unauthorized');
    });

    it('answers 401 for a garbage token when no JWT secret is configured', async () => {
      expectError(await client(c, 'not-a-key-at-all').get('/v1/events'), 401, 'unauthorized');
      expectError(
        await client(c, 'eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoxfQ.c2ln').get('/v1/events'),
        401,
        'unauthorized',
      );
    });

    it('answers 401 for a scheme other than Bearer', async () => {
      const account = await createAccount(c);
      expectError(
        await call(`${c.url}/v1/events`, { headers: { authorization: `Basic ${account.keys.live}` } }),
        401,
        'unauthorized',
      );
    });

    it('answers 403 insufficient_scope for a publishable key on the server API', async () => {
      const account = await createAccount(c);
      const pub = client(c, account.keys.publishable);
      expectError(await pub.post('/v1/events', event()), 403, 'insufficient_scope');
      expectError(await pub.get('/v1/events'), 403, 'insufficient_scope');
      expectError(await pub.get('/v1/event-schemas'), 403, 'insufficient_scope');
    });

    it('lets a live key carry all five scopes by default', async () => {
      const account = await createAccount(c);
      const live = client(c, account.keys.live);
      const created = await live.post('/v1/events', event());
      expect(created.status).toBe(201);
      expect((await live.get('/v1/events')).status).toBe(200);
      expect((await live.post('/v1/contacts', { email: 'scopes@example.com' })).status).toBe(201);
      expect((await live.get(`/v1/contacts/${created.body.contact_id}`)).status).toBe(200);
      expect((await live.post('/v1/stats/query', { metrics: ['visitors'], date_range: 'day' })).status).toBe(200);
    });

    it('lets a key created with only events.read list events but answers 403 to writes and contact reads', async () => {
      const account = await createAccount(c);
      const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, {
        type: 'live',
        scopes: ['events.read'],
      });
      expect(issued.status).toBe(201);
      expect(issued.body).toMatchObject({ id: expect.any(Number), type: 'live', scopes: ['events.read'] });
      expect(issued.body.key).toMatch(/^tk_live_/);
      const reader = client(c, issued.body.key);
      expect((await reader.get('/v1/events')).status).toBe(200);
      expectError(await reader.post('/v1/events', event()), 403, 'insufficient_scope');
      expectError(await reader.post('/v1/events/batch', { events: [event()] }), 403, 'insufficient_scope');
      expectError(await reader.get('/v1/contacts/1'), 403, 'insufficient_scope');
    });

    it('gives a key created without scopes all seven', async () => {
      const account = await createAccount(c);
      const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'test' });
      expect(issued.status).toBe(201);
      expect([...issued.body.scopes].sort()).toEqual([
        'contacts.read',
        'contacts.write',
        'events.read',
        'events.write',
        'stats.read',
        'webhooks.read',
        'webhooks.write',
      ]);
      expect(issued.body.key).toMatch(/^tk_test_/);
      expect((await client(c, issued.body.key).post('/v1/events', event())).body.test).toBe(true);
    });

    it('answers 401 for a revoked key from the next request on', async () => {
      const account = await createAccount(c);
      const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'live' });
      const key = client(c, issued.body.key);
      expect((await key.post('/v1/events', event())).status).toBe(201);
      const revoked = await admin(c).delete(`/v1/admin/keys/${issued.body.id}`);
      expect(revoked.status).toBe(200);
      expectError(await key.post('/v1/events', event()), 401, 'unauthorized');
      expectError(await key.get('/v1/events'), 401, 'unauthorized');
      // The account's other keys are untouched.
      expect((await client(c, account.keys.live).get('/v1/events')).status).toBe(200);
    });

    it('answers 404 when issuing a key for an unknown account', async () => {
      expectError(await admin(c).post('/v1/admin/accounts/999999/keys', { type: 'live' }), 404, 'account_not_found');
    });
  });

  describe('beacons', () => {
    it('answers 403 publishable_key_required for a secret key in a beacon body', async () => {
      const account = await createAccount(c);
      expectError(await beacon(c, beaconBody(account.keys.live)), 403, 'publishable_key_required');
      expectError(await beacon(c, beaconBody(account.keys.test)), 403, 'publishable_key_required');
    });

    it('answers 401 for an unknown publishable key', async () => {
      expectError(await beacon(c, beaconBody('tk_pub_0123456789abcdefghijklmnopqrstuv')), 401, 'unauthorized');
    });

    it('answers 401 for a revoked publishable key', async () => {
      const account = await createAccount(c);
      const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'publishable' });
      expect((await beacon(c, beaconBody(issued.body.key))).status).toBe(200);
      await admin(c).delete(`/v1/admin/keys/${issued.body.id}`);
      expectError(await beacon(c, beaconBody(issued.body.key)), 401, 'unauthorized');
    });

    it('accepts beacons from any origin, and without one, when the account has no allowed origins', async () => {
      const account = await createAccount(c);
      expect(
        (await beacon(c, beaconBody(account.keys.publishable), { origin: 'https://anything.example' })).status,
      ).toBe(200);
      expect((await beacon(c, beaconBody(account.keys.publishable))).status).toBe(200);
    });

    describe('an account with allowed_origins ["https://shop.example"]', () => {
      let pub: string;
      beforeAll(async () => {
        pub = (await createAccount(c, { allowed_origins: ['https://shop.example'] })).keys.publishable;
      });

      it('accepts a beacon from that origin', async () => {
        const answer = await beacon(c, beaconBody(pub), { origin: 'https://shop.example' });
        expect(answer.status).toBe(200);
        expect(answer.body.results).toEqual([expect.objectContaining({ index: 0, status: beaconTaken })]);
      });

      it('answers 403 origin_not_allowed to another origin, a look-alike and another scheme', async () => {
        for (const origin of [
          'https://evil.example',
          'https://shop.example.evil.example',
          'http://shop.example',
          'https://shop.example:8443',
        ]) {
          expectError(await beacon(c, beaconBody(pub), { origin }), 403, 'origin_not_allowed');
        }
      });

      it('answers 403 origin_not_allowed to a beacon without an Origin header', async () => {
        expectError(await beacon(c, beaconBody(pub)), 403, 'origin_not_allowed');
      });
    });
  });

  describe('admin API', () => {
    it('answers 401 without the admin token', async () => {
      expectError(
        await call(`${c.url}/v1/admin/accounts`, { method: 'POST', json: { name: 'x' } }),
        401,
        'unauthorized',
      );
      expectError(
        await call(`${c.url}/v1/admin/accounts/1`, { method: 'PATCH', json: { name: 'x' } }),
        401,
        'unauthorized',
      );
      expectError(
        await call(`${c.url}/v1/admin/accounts/1/keys`, { method: 'POST', json: { type: 'live' } }),
        401,
        'unauthorized',
      );
      expectError(await call(`${c.url}/v1/admin/keys/1`, { method: 'DELETE' }), 401, 'unauthorized');
    });

    it('answers 401 to a wrong admin token and to an account key used as one', async () => {
      const account = await createAccount(c);
      for (const token of ['test-admin-token-wrong', 'test-admin-toke', account.keys.live]) {
        const as = client(c, token);
        expectError(await as.post('/v1/admin/accounts', { name: 'x' }), 401, 'unauthorized');
        expectError(await as.patch(`/v1/admin/accounts/${account.id}`, { name: 'x' }), 401, 'unauthorized');
        expectError(await as.post(`/v1/admin/accounts/${account.id}/keys`, { type: 'live' }), 401, 'unauthorized');
        expectError(await as.delete('/v1/admin/keys/1'), 401, 'unauthorized');
      }
    });

    it('creates an account answering 201 with its settings and three full keys', async () => {
      const answer = await admin(c).post('/v1/admin/accounts', {
        name: 'shop',
        allowed_origins: ['https://shop.example'],
        allowed_events: ['signup'],
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        id: expect.any(Number),
        name: 'shop',
        allowed_origins: ['https://shop.example'],
        allowed_events: ['signup'],
      });
      expect(answer.body.keys.publishable).toMatch(/^tk_pub_[A-Za-z0-9]{16,}$/);
      expect(answer.body.keys.live).toMatch(/^tk_live_[A-Za-z0-9]{16,}$/);
      expect(answer.body.keys.test).toMatch(/^tk_test_[A-Za-z0-9]{16,}$/);
      expect((await client(c, answer.body.keys.live).get('/v1/events')).status).toBe(200);
      expect((await client(c, answer.body.keys.test).get('/v1/events')).status).toBe(200);
    });

    it('answers 404 account_not_found when patching an unknown account', async () => {
      expectError(await admin(c).patch('/v1/admin/accounts/999999', { name: 'x' }), 404, 'account_not_found');
    });

    it('changes name, allowed_origins and allowed_events with PATCH, and null clears a restriction', async () => {
      const account = await createAccount(c, {
        name: 'before',
        allowed_origins: ['https://shop.example'],
        allowed_events: ['signup'],
      });
      const live = client(c, account.keys.live);
      const pub = account.keys.publishable;

      const changed = await admin(c).patch(`/v1/admin/accounts/${account.id}`, {
        name: 'after',
        allowed_origins: ['https://other.example'],
        allowed_events: ['signup', 'checkout'],
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        id: account.id,
        name: 'after',
        allowed_origins: ['https://other.example'],
        allowed_events: ['signup', 'checkout'],
      });
      expect(changed.body).not.toHaveProperty('keys');
      expect((await live.post('/v1/events', event({ event: 'checkout' }))).status).toBe(201);
      expectError(await live.post('/v1/events', event({ event: 'browse' })), 400, 'unknown_event');
      expect((await beacon(c, beaconBody(pub), { origin: 'https://other.example' })).status).toBe(200);
      expectError(await beacon(c, beaconBody(pub), { origin: 'https://shop.example' }), 403, 'origin_not_allowed');

      const nameOnly = await admin(c).patch(`/v1/admin/accounts/${account.id}`, { name: 'renamed' });
      expect(nameOnly.body).toMatchObject({
        name: 'renamed',
        allowed_origins: ['https://other.example'],
        allowed_events: ['signup', 'checkout'],
      });

      const cleared = await admin(c).patch(`/v1/admin/accounts/${account.id}`, {
        allowed_origins: null,
        allowed_events: null,
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.allowed_events).toBeNull();
      expect([[], null]).toContainEqual(cleared.body.allowed_origins);
      expect((await live.post('/v1/events', event({ event: 'browse' }))).status).toBe(201);
      expect((await beacon(c, beaconBody(pub), { origin: 'https://shop.example' })).status).toBe(200);
      expect((await beacon(c, beaconBody(pub))).status).toBe(200);
    });

    it('refuses an allowed origin that is not an origin', async () => {
      const account = await createAccount(c);
      const answer = await admin(c).patch(`/v1/admin/accounts/${account.id}`, {
        allowed_origins: ['https://shop.example/path'],
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].path).toMatch(/^allowed_origins/);
    });
  });

  describe('keys are shown once', () => {
    it('never returns a full key from PATCH, key revocation or any read endpoint', async () => {
      const account = await createAccount(c, { name: 'secretive' });
      const keys = Object.values(account.keys);
      const live = client(c, account.keys.live);
      const posted = await live.post('/v1/events', event());
      const issued = await admin(c).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'live' });
      keys.push(issued.body.key);
      const answers = [
        await admin(c).patch(`/v1/admin/accounts/${account.id}`, { name: 'still secretive' }),
        await admin(c).delete(`/v1/admin/keys/${issued.body.id}`),
        await live.get('/v1/events'),
        await live.get(`/v1/events/${posted.body.id}`),
        await live.get(`/v1/contacts/${posted.body.contact_id}`),
        await live.get('/v1/contacts'),
        await live.get('/v1/event-schemas'),
        await call(`${c.url}/metrics`),
        await call(`${c.url}/openapi.json`),
      ];
      for (const answer of answers) {
        expect(answer.status).toBeLessThan(300);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        for (const key of keys) expect(text).not.toContain(key.slice(key.indexOf('_', 3) + 1));
      }
    });

    it('has no admin endpoint that reads an account or its keys back', async () => {
      const account = await createAccount(c);
      for (const path of [
        `/v1/admin/accounts/${account.id}`,
        `/v1/admin/accounts/${account.id}/keys`,
        '/v1/admin/accounts',
        '/v1/admin/keys',
      ]) {
        const answer = await admin(c).get(path);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        for (const key of Object.values(account.keys)) expect(JSON.stringify(answer.body)).not.toContain(key);
      }
    });

    it('stores keys hashed: no database file holds a full key', async () => {
      const account = await createAccount(c, { name: 'hashed' });
      await client(c, account.keys.live).post('/v1/events', event());
      const stored = await storedText(c.dbPath);
      expect(stored).toContain('hashed');
      for (const key of Object.values(account.keys)) expect(stored.includes(key), `the store holds ${key}`).toBe(false);
    });
  });
});

describe('JWT bearer tokens', () => {
  const secret = 'a-jwt-secret-for-tests-that-is-long-enough-for-hs512-0123456789abcdef';
  const c = useCollector({ env: { TRACKLET_JWT_SECRET: secret }, account: { name: 'jwt' } });
  const encode = (s: string) => new TextEncoder().encode(s);
  const sign = (claims: Record<string, unknown>, opts: { alg?: string; key?: string; expiresAt?: number } = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256' }).setIssuedAt();
    jwt = jwt.setExpirationTime(opts.expiresAt ?? Math.floor(Date.now() / 1000) + 600);
    return jwt.sign(encode(opts.key ?? secret));
  };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('accepts a valid HS256 token and stores its events with user_id null', async () => {
    const token = await sign({ account_id: c.account.id, scope: 'events.write events.read' });
    const posted = await client(c, token).post('/v1/events', event({ event: 'jwt_event' }));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body).toMatchObject({ account_id: c.account.id, user_id: null, event: 'jwt_event' });
    const read = await client(c, token).get(`/v1/events/${posted.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.user_id).toBeNull();
    const listed = await client(c, token).get('/v1/events?event=jwt_event');
    expect(listed.body.map((e: { id: number }) => e.id)).toContain(posted.body.id);
  });

  it('checks API keys first: keys keep working with JWT auth on, and store their key id as user_id', async () => {
    const posted = await client(c, c.keys.live).post('/v1/events', event());
    expect(posted.status).toBe(201);
    expect(posted.body.user_id).toEqual(expect.any(Number));
    expectError(await client(c, 'tk_live_0123456789abcdefghijklmnopqrstuv').get('/v1/events'), 401, 'unauthorized');
  });

  it('answers 401 to a token signed with another secret', async () => {
    const token = await sign(
      { account_id: c.account.id, scope: 'events.write events.read' },
      { key: `${secret}-other` },
    );
    expectError(await client(c, token).get('/v1/events'), 401, 'unauthorized');
  });

  it('answers 401 to an unsigned alg "none" token', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ account_id: c.account.id, scope: 'events.write events.read', exp })}.`;
    expectError(await client(c, token).get('/v1/events'), 401, 'unauthorized');
    expectError(await client(c, token).post('/v1/events', event()), 401, 'unauthorized');
  });

  it('answers 401 to an HS512 token signed with the right secret', async () => {
    const token = await sign({ account_id: c.account.id, scope: 'events.write events.read' }, { alg: 'HS512' });
    expectError(await client(c, token).get('/v1/events'), 401, 'unauthorized');
  });

  it('answers 401 to an expired token', async () => {
    const token = await sign(
      { account_id: c.account.id, scope: 'events.write events.read' },
      { expiresAt: Math.floor(Date.now() / 1000) - 3600 },
    );
    expectError(await client(c, token).get('/v1/events'), 401, 'unauthorized');
  });

  it('answers 401 to a token that is not valid yet (nbf beyond the 30 s clock skew), and accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const notYet = await new SignJWT({ account_id: c.account.id, scope: 'events.read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(now + 120)
      .setExpirationTime(now + 600)
      .sign(encode(secret));
    expectError(await client(c, notYet).get('/v1/events'), 401, 'unauthorized');
    const skewed = await new SignJWT({ account_id: c.account.id, scope: 'events.read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(now + 10)
      .setExpirationTime(now + 600)
      .sign(encode(secret));
    expect((await client(c, skewed).get('/v1/events')).status).toBe(200);
  });

  it('accepts a token expired less than 30 s ago (clock skew) and refuses one expired a minute ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    const justExpired = await sign({ account_id: c.account.id, scope: 'events.read' }, { expiresAt: now - 10 });
    expect((await client(c, justExpired).get('/v1/events')).status).toBe(200);
    expectError(
      await client(c, await sign({ account_id: c.account.id, scope: 'events.read' }, { expiresAt: now - 60 })).get(
        '/v1/events',
      ),
      401,
      'unauthorized',
    );
  });

  it('answers 401 to HS384 and to a token whose header claims RS256 or ES256', async () => {
    expectError(
      await client(c, await sign({ account_id: c.account.id, scope: 'events.read' }, { alg: 'HS384' })).get(
        '/v1/events',
      ),
      401,
      'unauthorized',
    );
    const hs = await sign({ account_id: c.account.id, scope: 'events.read' });
    const [, payload, signature] = hs.split('.');
    for (const alg of ['RS256', 'ES256', 'none', 'HS256 ', 'hs256']) {
      const forged = `${b64({ alg, typ: 'JWT' })}.${payload}.${signature}`;
      expectError(await client(c, forged).get('/v1/events'), 401, 'unauthorized');
    }
  });

  it('enforces each scope of a token: contacts scopes do not reach events, and the reverse', async () => {
    const contactsOnly = await sign({ account_id: c.account.id, scope: 'contacts.read contacts.write' });
    expectError(await client(c, contactsOnly).get('/v1/events'), 403, 'insufficient_scope');
    expectError(await client(c, contactsOnly).post('/v1/events', event()), 403, 'insufficient_scope');
    expect((await client(c, contactsOnly).get('/v1/contacts')).status).toBe(200);
    const eventsOnly = await sign({ account_id: c.account.id, scope: 'events.read events.write admin' });
    expectError(await client(c, eventsOnly).get('/v1/contacts'), 403, 'insufficient_scope');
    expectError(
      await client(c, eventsOnly).post('/v1/contacts', { email: 'jwt@example.com' }),
      403,
      'insufficient_scope',
    );
    expectError(await client(c, eventsOnly).post('/v1/admin/accounts', { name: 'x' }), 401, 'unauthorized');
  });

  it('answers 401 to a token whose payload was altered after signing', async () => {
    const token = await sign({ account_id: c.account.id, scope: 'events.read' });
    const [head, , sig] = token.split('.');
    const forged = `${head}.${b64({ account_id: c.account.id, scope: 'events.write events.read', exp: Math.floor(Date.now() / 1000) + 600 })}.${sig}`;
    expectError(await client(c, forged).post('/v1/events', event()), 401, 'unauthorized');
  });

  it('answers 403 insufficient_scope to a token lacking the scope', async () => {
    const readOnly = await sign({ account_id: c.account.id, scope: 'events.read' });
    expect((await client(c, readOnly).get('/v1/events')).status).toBe(200);
    expectError(await client(c, readOnly).post('/v1/events', event()), 403, 'insufficient_scope');
    const noScope = await sign({ account_id: c.account.id });
    expectError(await client(c, noScope).get('/v1/events'), 403, 'insufficient_scope');
  });

  it('answers 401 to a token for an unknown account', async () => {
    const token = await sign({ account_id: 999999, scope: 'events.write events.read' });
    expectError(await client(c, token).get('/v1/events'), 401, 'unauthorized');
    const missing = await sign({ scope: 'events.write events.read' });
    expectError(await client(c, missing).get('/v1/events'), 401, 'unauthorized');
  });

  it('answers 401 to a garbage token with JWT auth on', async () => {
    expectError(await client(c, 'garbage').get('/v1/events'), 401, 'unauthorized');
  });
});
