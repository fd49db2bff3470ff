import { connect } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, openStore } from '../src/config.js';
import { errorCodes } from '../src/errors.js';
import { createAccountWithKeys } from '../src/services/accounts.js';
import type { Store } from '../src/store/store.js';
import { tempDir, testDb, testStore } from './support/collector.js';
import {
  beaconEvent,
  contactBody,
  contentType,
  eventBody,
  hostileJsonText,
  nastyString,
  nastyValue,
  pathSegment,
  queryString,
} from './support/fuzz-arbitraries.js';

/**
 * Issue #7, property-based fuzzing with fast-check over every endpoint, in process (buildApp + inject), on the test
 * store (both projects: what a store refuses, such as NUL characters in PostgreSQL, must still be a 4xx). Invariants
 * for every answer: never a 5xx, and every non-2xx in the contract's error shape (a registered code, its message,
 * its status, no stack trace). After each property: no prototype pollution in this process, the app still ready,
 * and the events stored before the fuzzing unchanged. The seed is printed; FC_SEED=<seed> replays a run.
 */
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const stackTrace = /\n\s+at |node_modules|\.ts:\d+|\.js:\d+:\d+/;
const prototypeKeys = () =>
  [Object, Array, Function, String].map((c) => Object.getOwnPropertyNames(c.prototype).sort().join());

describe('fuzzing every endpoint', () => {
  const dir = tempDir();
  const protoBefore = prototypeKeys();
  let app: FastifyInstance;
  let store: Store;
  let cases = 0;
  let keys: { live: string; publishable: string; test: string };
  let throwaway: number;
  let victim: { id: number; events: number[]; contacts: number[] };
  let snapshot: unknown;
  const authed = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${keys.live}`, ...extra });
  /** fast-check parameters; a failure is reported short (a counterexample can be megabytes of JSON). */
  const run = (numRuns: number): fc.Parameters<unknown> => ({
    seed,
    numRuns,
    reporter: (details) => {
      if (!details.failed) return;
      const example = JSON.stringify(details.counterexample, (_k, v) =>
        typeof v === 'function' ? String(v) : v,
      )?.slice(0, 1500);
      throw new Error(
        `property failed (seed ${details.seed}, path "${details.counterexamplePath}"; replay with FC_SEED=${seed}): ` +
          `${String(details.errorInstance).slice(0, 1500)}\ncounterexample: ${example}`,
      );
    },
  });

  /** Everything of the victim account, and the fuzzer's own seeded events, as the store returns them. */
  const state = async () => ({
    events: await Promise.all(victim.events.map((id) => store.getEvent(victim.id, id))),
    contacts: await store.listContacts(victim.id, {}, { limit: 100, offset: 0 }),
    schemas: await store.listEventSchemas(victim.id),
    listed: await store.listEvents(victim.id, {}, { limit: 100, offset: 0 }),
  });

  function check(options: InjectOptions, res: LightMyRequestResponse): void {
    cases += 1;
    const where = () =>
      `${options.method} ${String(options.url).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    if (res.statusCode >= 500) throw new Error(`a 5xx: ${where()}`);
    if (stackTrace.test(res.body)) throw new Error(`a stack trace: ${where()}`);
    if (res.statusCode < 400 || options.method === 'HEAD') return;
    if (!String(res.headers['content-type']).includes('application/json')) throw new Error(`not JSON: ${where()}`);
    const body = JSON.parse(res.body) as { errors?: Array<{ code: string; message: string }> };
    if (!Array.isArray(body.errors) || body.errors.length === 0) throw new Error(`no errors array: ${where()}`);
    for (const e of body.errors) {
      const known = errorCodes[e.code as keyof typeof errorCodes];
      if (!known || known[1] !== e.message) throw new Error(`unknown code or message ${JSON.stringify(e)}: ${where()}`);
    }
    if (errorCodes[body.errors[0]?.code as keyof typeof errorCodes][0] !== res.statusCode)
      throw new Error(`status differs from code: ${where()}`);
  }

  const hit = async (options: InjectOptions) => {
    const res = await app.inject(options);
    check(options, res);
    return res;
  };
  const payload = (body: unknown) => (body === undefined ? '' : JSON.stringify(body));

  beforeAll(async () => {
    console.log(`fuzz on ${testStore}: seed ${seed} (replay with FC_SEED=${seed})`);
    const config = loadConfig({
      TRACKLET_DB: await testDb(`${dir.path}/fuzz.db`),
      TRACKLET_ADMIN_TOKEN: 'fuzz-admin-token',
      TRACKLET_JWT_SECRET: 'fuzz-jwt-secret-0123456789',
      TRACKLET_RATE_LIMIT_API: '0',
      TRACKLET_RATE_LIMIT_BEACONS: '0',
      TRACKLET_TRUST_PROXY: 'true',
      TRACKLET_LOG_LEVEL: 'silent',
    });
    store = await openStore(config);
    const fuzzer = await createAccountWithKeys(store, { name: 'fuzzer' });
    const target = await createAccountWithKeys(store, { name: 'victim' });
    const demo = await createAccountWithKeys(store, { name: 'demo' });
    throwaway = (await createAccountWithKeys(store, { name: 'throwaway' })).id;
    keys = fuzzer.keys;
    app = await buildApp(config, {
      store,
      logger: false,
      demo: { accountId: demo.id, publishableKey: demo.keys.publishable },
    });
    const seedEvent = async (key: string, body: unknown) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}` },
        payload: body as object,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: number; contact_id: number };
    };
    const seeded = [
      await seedEvent(target.keys.live, {
        event: 'signup',
        contact_email: 'victim@victim.example',
        data: { plan: 'pro', price: 9.5 },
      }),
      await seedEvent(target.keys.live, {
        event: 'login',
        contact_email: 'victim@victim.example',
        anonymous_id: 'victim-anon',
        contact: { name: 'V' },
      }),
      await seedEvent(target.keys.live, {
        event: 'confirmation',
        external_id: 'victim-ext',
        amount: 42,
        data: { order_id: 'V-1' },
      }),
    ];
    victim = {
      id: target.id,
      events: seeded.map((e) => e.id),
      contacts: [...new Set(seeded.map((e) => e.contact_id))],
    };
    snapshot = await state();
  });

  afterEach(async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeKeys()).toEqual(protoBefore);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect(await state()).toEqual(snapshot);
  });

  afterAll(async () => {
    console.log(`fuzz on ${testStore}: ${cases} cases (seed ${seed})`);
    await app?.close();
    dir.remove();
  });

  it('POST /v1/events and /v1/my/events with plausible and hostile event objects', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventBody(victim.contacts),
        fc.constantFrom('/v1/events', '/v1/my/events'),
        fc.option(nastyString),
        async (body, url, idempotencyHeader) => {
          await hit({
            method: 'POST',
            url,
            headers: authed(
              idempotencyHeader === null ? {} : { 'idempotency-key': idempotencyHeader.replace(/[^\t\x20-\x7e]/g, '') },
            ),
            payload: payload(body),
          });
        },
      ),
      run(2500),
    );
  }, 120_000);

  it('POST /v1/events/batch with arrays of plausible and hostile events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ events: fc.array(fc.oneof(eventBody(victim.contacts), nastyValue), { maxLength: 6 }) }),
          nastyValue,
        ),
        async (body) => {
          await hit({ method: 'POST', url: '/v1/events/batch', headers: authed(), payload: payload(body) });
        },
      ),
      run(800),
    );
  }, 120_000);

  it('POST /v1/collect with plausible and hostile beacons, keys, origins and user agents', async () => {
    const key = fc.oneof(
      { weight: 8, arbitrary: fc.constant(() => keys.publishable) },
      { weight: 1, arbitrary: fc.constant(() => keys.live) },
      { weight: 1, arbitrary: nastyString.map((s) => () => s) },
    );
    const beacon = fc.record(
      {
        key,
        sent_at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          nastyValue,
        ),
        events: fc.oneof(
          { weight: 6, arbitrary: fc.array(beaconEvent, { minLength: 1, maxLength: 5 }) },
          { weight: 1, arbitrary: nastyValue },
        ),
      },
      { requiredKeys: ['key', 'events'] },
    );
    const headers = fc.record(
      {
        'content-type': fc.constantFrom('text/plain;charset=UTF-8', 'application/json', 'text/plain'),
        'user-agent': fc.oneof(
          fc.constant('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36'),
          fc.constantFrom('Googlebot/2.1', 'curl/8.0', ''),
          fc.string({ maxLength: 30 }),
        ),
        origin: fc.oneof(fc.constant('https://shop.example'), fc.string({ maxLength: 30 })),
        'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 30 })),
      },
      { requiredKeys: ['content-type'] },
    );
    await fc.assert(
      fc.asyncProperty(beacon, headers, async (b, h) => {
        const clean = Object.fromEntries(
          Object.entries(h).map(([k, v]) => [k, String(v).replace(/[^\t\x20-\x7e]/g, '')]),
        );
        await hit({ method: 'POST', url: '/v1/collect', headers: clean, payload: payload({ ...b, key: b.key() }) });
      }),
      run(2000),
    );
  }, 120_000);

  it('POST /v1/contacts with plausible and hostile contacts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 5, arbitrary: contactBody(victim.contacts) }, { weight: 1, arbitrary: nastyValue }),
        async (body) => {
          await hit({ method: 'POST', url: '/v1/contacts', headers: authed(), payload: payload(body) });
        },
      ),
      run(800),
    );
  }, 120_000);

  it('every POST endpoint with raw bytes, hostile JSON text and wrong content types', async () => {
    const route = fc.constantFrom(
      { url: '/v1/events', headers: () => authed() },
      { url: '/v1/events/batch', headers: () => authed() },
      { url: '/v1/contacts', headers: () => authed() },
      { url: '/v1/collect', headers: () => ({}) },
      { url: '/v1/admin/accounts', headers: () => ({ authorization: 'Bearer fuzz-admin-token' }) },
      { url: `/v1/admin/accounts/${throwaway}/keys`, headers: () => ({ authorization: 'Bearer fuzz-admin-token' }) },
    );
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
      hostileJsonText(eventBody(victim.contacts)).map((t) => Buffer.from(t)),
      hostileJsonText(fc.record({ key: fc.constant('tk_pub_x'), events: fc.array(beaconEvent, { maxLength: 2 }) })).map(
        (t) => Buffer.from(t),
      ),
      fc.constantFrom('\xff\xfe{', '{"event":"\xc3\x28"}', '{"a":"\xed\xa0\x80"}').map((t) => Buffer.from(t, 'latin1')),
    );
    await fc.assert(
      fc.asyncProperty(route, bytes, contentType, async (r, body, type) => {
        const headers: Record<string, string> = { ...r.headers() };
        if (type !== undefined) headers['content-type'] = type;
        await hit({ method: 'POST', url: r.url, headers, payload: body });
      }),
      run(2000),
    );
  }, 120_000);

  it('every GET endpoint with hostile query strings and path parameters', async () => {
    const get = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            '/v1/events',
            '/v1/my/events',
            '/v1/contacts',
            '/v1/events/status',
            '/v1/event-schemas',
            '/demo/api/visitor',
            '/demo/api/feed',
            '/v1/contacts/1/events',
          ),
          queryString,
        )
        .map(([path, q]) => `${path}?${q}`),
      fc
        .tuple(
          fc.constantFrom('/v1/events/', '/v1/contacts/', '/demo/'),
          pathSegment,
          fc.constantFrom('', '/events', '/x'),
        )
        .map((p) => p.join('')),
      fc.constantFrom(
        ...victim.events.map((id) => `/v1/events/${id}`),
        ...victim.contacts.map((id) => `/v1/contacts/${id}`),
        ...victim.contacts.map((id) => `/v1/contacts/${id}/events`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(get, fc.constantFrom('GET', 'HEAD'), async (url, method) => {
        const res = await hit({ method, url, headers: authed() });
        if (/^\/v1\/(events|contacts)\/\d+/.test(url) && res.statusCode === 200 && method === 'GET') {
          const body = res.json() as { id?: number };
          if (victim.events.includes(body.id as number) || victim.contacts.includes(body.id as number))
            throw new Error(`read the victim's ${url}`);
        }
      }),
      run(2500),
    );
  }, 120_000);

  it('DELETE /v1/contacts/:id and the admin API with hostile ids and bodies', async () => {
    const admin = { authorization: 'Bearer fuzz-admin-token' };
    const request = fc.oneof(
      fc
        .oneof(
          pathSegment.filter((s) => !/^\d{1,6}$/.test(s)),
          fc.constantFrom(...victim.contacts.map(String)),
        )
        .map((id) => ({ method: 'DELETE' as const, url: `/v1/contacts/${id}`, headers: authed(), payload: '' })),
      fc
        .oneof(
          fc.record(
            {
              name: fc.oneof(fc.string({ maxLength: 30 }), nastyValue),
              allowed_origins: nastyValue,
              allowed_events: nastyValue,
              rate_limit: fc.oneof(
                fc.record({ api_per_minute: nastyValue, beacons_per_minute: nastyValue }, { requiredKeys: [] }),
                nastyValue,
              ),
            },
            { requiredKeys: [] },
          ),
          nastyValue,
        )
        .map((body) => ({
          method: 'PATCH' as const,
          url: `/v1/admin/accounts/${throwaway}`,
          headers: admin,
          payload: payload(body),
        })),
      fc
        .oneof(
          fc.record(
            { type: fc.oneof(fc.constantFrom('live', 'test', 'publishable'), nastyString), scopes: nastyValue },
            { requiredKeys: [] },
          ),
          nastyValue,
        )
        .map((body) => ({
          method: 'POST' as const,
          url: `/v1/admin/accounts/${throwaway}/keys`,
          headers: admin,
          payload: payload(body),
        })),
      pathSegment
        .filter((s) => !/^\d{1,6}$/.test(s))
        .map((id) => ({ method: 'DELETE' as const, url: `/v1/admin/keys/${id}`, headers: admin, payload: '' })),
      fc
        .tuple(
          fc.constantFrom('PATCH', 'DELETE', 'PUT', 'OPTIONS', 'POST') as fc.Arbitrary<InjectOptions['method']>,
          fc.constantFrom(
            '/v1/events',
            '/v1/events/1',
            '/v1/contacts',
            '/v1/collect',
            '/healthz',
            '/t.js',
            '/metrics',
            '/v1/admin/accounts',
          ),
        )
        .map(([method, url]) => ({ method, url, headers: authed(), payload: '' })),
    );
    await fc.assert(
      fc.asyncProperty(request, async (options) => {
        await hit(options as InjectOptions);
      }),
      run(800),
    );
  }, 120_000);

  it('every endpoint with missing, malformed, duplicated and foreign credentials and headers', async () => {
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        `bearer ${'x'}`,
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        'Bearer tk_',
        'Bearer tk_live_',
        'Bearer eyJhbGciOiJub25lIn0.eyJhY2NvdW50X2lkIjoxfQ.',
        'Bearer a.b.c',
      ),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
      fc.constant('live-twice'),
      fc.constant('publishable'),
    );
    const route = fc.constantFrom(
      ['GET', '/v1/events'],
      ['POST', '/v1/events'],
      ['POST', '/v1/events/batch'],
      ['GET', '/v1/contacts'],
      ['POST', '/v1/contacts'],
      ['GET', '/v1/event-schemas'],
      ['DELETE', '/v1/contacts/999999'],
      ['POST', '/v1/admin/accounts'],
      ['GET', '/v1/events/status?idempotency_key=x'],
    );
    await fc.assert(
      fc.asyncProperty(
        route,
        authorization,
        fc.option(fc.array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 3 })),
        async ([method, url], auth, duplicated) => {
          const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
          if (auth === 'live-twice') headers.authorization = [`Bearer ${keys.live}`, 'Bearer tk_live_other'];
          else if (auth === 'publishable') headers.authorization = `Bearer ${keys.publishable}`;
          else if (auth !== undefined) headers.authorization = auth;
          if (duplicated) headers['idempotency-key'] = duplicated.map((d) => d.replace(/[^\x20-\x7e]/g, ''));
          await hit({
            method: method as InjectOptions['method'],
            url: url as string,
            headers,
            payload: '{"event":"x","contact_email":"d@fuzz.example"}',
          });
        },
      ),
      run(600),
    );
  }, 120_000);

  it("keeps answering HTTP the parser refuses in the contract's shape (raw socket probes)", async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let out = '';
        socket.on('data', (chunk) => {
          out += chunk;
        });
        socket.on('close', () => resolve(out));
        socket.on('error', () => resolve(out));
        // Not end(): a half-closed connection may lose its answer. Every probe closes (a parse error, or Connection: close).
        socket.write(text);
        socket.setTimeout(5000, () => socket.destroy());
      });
    const body = '{"event":"x","contact_email":"raw@fuzz.example"}';
    const probes = [
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\n${body}`,
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
      'POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n',
      `GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'GARBAGE\r\n\r\n',
      'GET /v1/events HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n',
      'GET /v1/events/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      `GET /v1/events?${'a=1&'.repeat(3000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.live}\r\nAuthorization: Bearer nope\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.live}\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    ];
    for (const probe of probes) {
      const answer = await raw(probe);
      cases += 1;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      expect(status, `${probe.slice(0, 80)} → ${answer.slice(0, 200)}`).toBeLessThan(500);
      if (status >= 400) {
        expect(answer, probe.slice(0, 80)).toMatch(/\r\ncontent-type: application\/json/i);
        const errors = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errors as Array<{
          code: string;
          message: string;
        }>;
        expect(errors[0]?.message).toBe(errorCodes[errors[0]?.code as keyof typeof errorCodes][1]);
      }
    }
  });

  it('has run at least 10,000 cases, and the app still takes a good event', async () => {
    expect(cases).toBeGreaterThanOrEqual(10_000);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: authed(),
      payload: { event: 'after_fuzz', contact_email: 'end@fuzz.example' },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});
