import { beforeAll, describe, expect, it } from 'vitest';
import { batchPaths, segmentTypes, singlePaths } from '../src/segment/cors.js';
import { beacon, beaconTaken, call, type Client, client, createAccount, settled } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';
import { until } from './support/webhook-receiver.js';

describe("another account's events, contacts and schemas are invisible (404, never 403)", () => {
  const c = useCollector({ account: { name: 'A' }, env: { TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
  const a = c.live;
  let b: Client;
  let bTest: Client;
  const email = 'alice@a.example';
  let aEvent: { id: number; contact_id: number };
  let aAnonymous: { id: number; contact_id: number };
  let bEventId: number;
  let bPublishable: string;
  let bLive: string;
  /** Every endpoint B tried on A's data, to check none was left out (see the last test). */
  const tried = new Set<string>();
  const as = (method: string, path: string) => tried.add(`${method} ${path}`);
  /** Everything A can read about its data, to compare before and after B's attempts. */
  const snapshotOfA = async () => ({
    event: (await a.get(`/v1/events/${aEvent.id}`)).body,
    contact: (await a.get(`/v1/contacts/${aEvent.contact_id}`)).body,
    byEmail: (await a.get(`/v1/contacts?email=${encodeURIComponent(email)}`)).body,
    contactEvents: (await a.get(`/v1/contacts/${aEvent.contact_id}/events`)).body,
    events: (await a.get('/v1/events')).body,
    schemas: (await a.get('/v1/event-schemas')).body,
    status: (await a.get('/v1/events/status?idempotency_key=a-key-1')).body,
    anonymous: (await a.get(`/v1/contacts/${aAnonymous.contact_id}`)).body,
    anonymousEvents: (await a.get('/v1/events?anonymous_id=a-visitor')).body,
    byPhone: (await a.get('/v1/contacts?phone=%2B4712345678')).body,
    byExternalId: (await a.get('/v1/contacts?external_id=a-ext-1')).body,
    contacts: (await a.get('/v1/contacts')).body,
  });
  let before: Awaited<ReturnType<typeof snapshotOfA>>;

  beforeAll(async () => {
    const accountB = await createAccount(c, { name: 'B' });
    b = client(c, accountB.keys.live);
    bTest = client(c, accountB.keys.test);
    const posted = await a.post('/v1/events', {
      event: 'a_only_event',
      contact_email: email,
      idempotency_key: 'a-key-1',
      resource_uid: 'a-sku',
      data: { a_prop: 1 },
    });
    expect(posted.status).toBe(201);
    aEvent = posted.body;
    expect((await a.post('/v1/contacts', { email, phone: '+4712345678', external_id: 'a-ext-1' })).status).toBe(200);
    const aBeacon = await beacon(c, {
      key: c.keys.publishable,
      events: [{ id: 'a-beacon-1', event: 'page_view', anonymous_id: 'a-visitor', url: 'https://a.example/' }],
    });
    expect(aBeacon.body.results[0].status).toBe(beaconTaken);
    await settled(c);
    aAnonymous = (await a.get(`/v1/events/${aBeacon.body.results[0].id}`)).body;
    bPublishable = accountB.keys.publishable;
    bLive = accountB.keys.live;
    const bPosted = await b.post('/v1/events', {
      event: 'b_event',
      contact_email: 'bob@b.example',
      data: { b_prop: 'x' },
    });
    expect(bPosted.status).toBe(201);
    bEventId = bPosted.body.id;
    before = await snapshotOfA();
    expect(before.event.id).toBe(aEvent.id);
    expect(before.contact.email).toBe(email);
  });

  it("answers 404 event_not_found to GET /v1/events/:id of A's event", async () => {
    as('GET', '/v1/events/{id}');
    expectError(await b.get(`/v1/events/${aEvent.id}`), 404, 'event_not_found');
    expectError(await bTest.get(`/v1/events/${aEvent.id}`), 404, 'event_not_found');
  });

  it("answers 404 contact_not_found to GET /v1/contacts/:id of A's contact", async () => {
    as('GET', '/v1/contacts/{id}');
    expectError(await b.get(`/v1/contacts/${aEvent.contact_id}`), 404, 'contact_not_found');
    expectError(await b.get(`/v1/contacts/${aAnonymous.contact_id}`), 404, 'contact_not_found');
  });

  it("answers 404 contact_not_found to GET /v1/contacts/:id/events of A's contact", async () => {
    as('GET', '/v1/contacts/{id}/events');
    expectError(await b.get(`/v1/contacts/${aEvent.contact_id}/events`), 404, 'contact_not_found');
  });

  it("answers 404 contact_not_found to GET /v1/contacts?email= with A's contact's email", async () => {
    as('GET', '/v1/contacts');
    expectError(await b.get(`/v1/contacts?email=${encodeURIComponent(email)}`), 404, 'contact_not_found');
    expectError(await b.get(`/v1/contacts?email=${encodeURIComponent(' ALICE@A.example ')}`), 404, 'contact_not_found');
    expectError(await b.get('/v1/contacts?phone=%2B4712345678'), 404, 'contact_not_found');
    expectError(await b.get('/v1/contacts?external_id=a-ext-1'), 404, 'contact_not_found');
  });

  it("never lists A's contacts in B's contact list", async () => {
    const listed = await b.get('/v1/contacts');
    expect(listed.status).toBe(200);
    expect(listed.body.map((p: { id: number }) => p.id)).not.toContain(aEvent.contact_id);
    expect(JSON.stringify(listed.body)).not.toContain(email);
  });

  it("answers not_found to GET /v1/events/status with A's idempotency key", async () => {
    as('GET', '/v1/events/status');
    const answer = await b.get('/v1/events/status?idempotency_key=a-key-1');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'not_found' });
    expect(before.status).toEqual({ status: 'created', event_id: aEvent.id });
  });

  it("lists none of A's events in GET /v1/events, with or without filters", async () => {
    as('GET', '/v1/events');
    const all = await b.get('/v1/events');
    expect(all.status).toBe(200);
    expect(all.body.map((e: { id: number }) => e.id)).toEqual([bEventId]);
    expect(all.headers.get('x-total-count')).toBe('1');
    for (const query of [
      'event=a_only_event',
      `contact_id=${aEvent.contact_id}`,
      'resource_uid=a-sku',
      `after_id=${aEvent.id + 1}`,
      'anonymous_id=a-visitor',
      `contact_id=${aAnonymous.contact_id}`,
    ]) {
      for (const path of ['/v1/events', '/v1/my/events']) {
        const filtered = await b.get(`${path}?${query}`);
        expect(filtered.status).toBe(200);
        expect(filtered.body.map((e: { id: number }) => e.id)).not.toContain(aEvent.id);
        expect(filtered.body.map((e: { id: number }) => e.id)).not.toContain(aAnonymous.id);
      }
    }
    expect((await b.get('/v1/events?event=a_only_event')).headers.get('x-total-count')).toBe('0');
  });

  it("lists none of A's schemas in GET /v1/event-schemas", async () => {
    as('GET', '/v1/event-schemas');
    const answer = await b.get('/v1/event-schemas');
    expect(answer.status).toBe(200);
    expect(answer.body.map((s: { event: string }) => s.event)).toEqual(['b_event']);
    expect(JSON.stringify(answer.body)).not.toContain('a_prop');
  });

  it("answers 404 contact_not_found to POST /v1/events naming A's contact_id, and stores nothing", async () => {
    as('POST', '/v1/events');
    as('POST', '/v1/events/batch');
    expectError(
      await b.post('/v1/events', { event: 'b_event', contact_id: aEvent.contact_id }),
      404,
      'contact_not_found',
    );
    expectError(
      await b.post('/v1/my/events', { event: 'b_event', contact_id: aAnonymous.contact_id }),
      404,
      'contact_not_found',
    );
    const batch = await b.post('/v1/events/batch', { events: [{ event: 'b_event', contact_id: aEvent.contact_id }] });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0].status).toBe('rejected');
    expect(batch.body.results[0].errors).toContainEqual(expect.objectContaining({ code: 'contact_not_found' }));
    expect((await b.get('/v1/events')).headers.get('x-total-count')).toBe('1');
  });

  it("does not let B's POST /v1/contacts with id update A's contact", async () => {
    as('POST', '/v1/contacts');
    expectError(
      await b.post('/v1/contacts', { id: aEvent.contact_id, attributes: { hacked: true } }),
      404,
      'contact_not_found',
    );
    expectError(
      await b.post('/v1/contacts', { id: aAnonymous.contact_id, email: 'steal@b.example' }),
      404,
      'contact_not_found',
    );
  });

  it("answers 404 contact_not_found to DELETE /v1/contacts/:id of A's contact", async () => {
    as('DELETE', '/v1/contacts/{id}');
    expectError(await b.delete(`/v1/contacts/${aEvent.contact_id}`), 404, 'contact_not_found');
    expectError(await b.delete(`/v1/contacts/${aAnonymous.contact_id}`), 404, 'contact_not_found');
  });

  it("keeps A's idempotency key A's own: B may use the same key for its own event", async () => {
    const answer = await b.post('/v1/events', {
      event: 'b_event',
      contact_email: 'bob@b.example',
      idempotency_key: 'a-key-1',
    });
    expect(answer.status).toBe(201);
    expect(answer.body.id).not.toBe(aEvent.id);
    expect(answer.headers.get('idempotent-replayed')).toBeNull();
  });

  it("gives B its own contacts for A's email, phone, external id and anonymous id: A's are neither updated nor merged", async () => {
    const posted = await b.post('/v1/events', {
      event: 'login',
      contact_email: email,
      anonymous_id: 'a-visitor',
      contact: { hacked: true },
    });
    expect(posted.status).toBe(201);
    expect([aEvent.contact_id, aAnonymous.contact_id]).not.toContain(posted.body.contact_id);
    const contact = await b.post('/v1/contacts', {
      email,
      phone: '+4712345678',
      external_id: 'a-ext-1',
      attributes: { hacked: true },
    });
    expect(contact.status).toBe(200);
    expect(contact.body.id).toBe(posted.body.contact_id);
    const batch = await b.post('/v1/events/batch', {
      events: [
        { event: 'b_event', external_id: 'a-ext-1' },
        { event: 'b_event', contact_phone: '+4712345678', anonymous_id: 'a-visitor' },
      ],
    });
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
  });

  it("keeps B's Segment calls (every path) naming A's email and anonymous id on B's own contact", async () => {
    const basic = { authorization: `Basic ${Buffer.from(`${bLive}:`).toString('base64')}` };
    const message = (type: string) => ({
      type,
      messageId: `b-segment-${type}-${Math.random()}`,
      userId: 'a-ext-1',
      previousId: 'a-visitor',
      anonymousId: 'a-visitor',
      event: 'B Event',
      groupId: 'b-group',
      traits: { email, hacked: true },
    });
    for (const path of batchPaths) {
      as('POST', path);
      const answer = await call(c.url + path, { method: 'POST', headers: basic, json: { batch: [message('track')] } });
      expect(answer.status, path).toBe(200);
    }
    for (const path of singlePaths) {
      as('POST', path);
      const type = segmentTypes.find((t) => path === `/v1/${t}` || path === `/v1/${t[0]}`)!;
      const answer = await call(c.url + path, { method: 'POST', headers: basic, json: message(type) });
      expect(answer.status, path).toBe(200);
    }
  });

  it("treats A's beacon event ids as B's own: B's beacon is stored for B, never answered as A's duplicate", async () => {
    as('POST', '/v1/collect');
    const answer = await beacon(c, {
      key: bPublishable,
      events: [{ id: 'a-beacon-1', event: 'login', anonymous_id: 'a-visitor', user: { email } }],
    });
    expect(answer.body.results[0]).toMatchObject({ status: beaconTaken });
    expect(answer.body.results[0].id).not.toBe(aAnonymous.id);
    await settled(c);
    expect((await b.get(`/v1/events/${answer.body.results[0].id}`)).body.contact_id).not.toBe(aAnonymous.contact_id);
  });

  it("counts none of A's events in B's stats", async () => {
    as('POST', '/v1/stats/query');
    as('GET', '/v1/stats/realtime');
    const filters = [['is', 'event:name', ['a_only_event']]];
    const stats = await b.post('/v1/stats/query', { metrics: ['visitors', 'events'], date_range: 'all', filters });
    expect(stats.status).toBe(200);
    expect(stats.body.results).toEqual([{ dimensions: [], metrics: [0, 0] }]);
    const realtime = await b.get('/v1/stats/realtime');
    expect(realtime.status).toBe(200);
  });

  it("neither lists nor revokes A's dashboard share links, and B's own link reads only B's stats", async () => {
    as('POST', '/v1/stats/shares');
    as('GET', '/v1/stats/shares');
    as('DELETE', '/v1/stats/shares/{id}');
    const aShare = (await a.post('/v1/stats/shares', {})).body;
    expect((await b.get('/v1/stats/shares')).body).toEqual([]);
    expectError(await b.delete(`/v1/stats/shares/${aShare.id}`), 404, 'key_not_found');
    const bShare = (await b.post('/v1/stats/shares', {})).body;
    const filters = [['is', 'event:name', ['a_only_event']]];
    const viaLink = await client(c, bShare.token).post('/v1/stats/query', {
      metrics: ['events'],
      date_range: 'all',
      filters,
    });
    expect(viaLink.body.results).toEqual([{ dimensions: [], metrics: [0] }]);
    expect((await client(c, aShare.token).get('/v1/stats/realtime')).status).toBe(200);
  });

  it("neither sees nor changes A's webhook endpoints and deliveries (issue #21)", async () => {
    for (const [method, path] of [
      ['POST', '/v1/webhooks'],
      ['GET', '/v1/webhooks'],
      ['GET', '/v1/webhooks/{id}'],
      ['PATCH', '/v1/webhooks/{id}'],
      ['DELETE', '/v1/webhooks/{id}'],
      ['POST', '/v1/webhooks/{id}/rotate-secret'],
      ['GET', '/v1/webhooks/{id}/deliveries'],
      ['POST', '/v1/webhooks/{id}/deliveries/{delivery_id}/retry'],
    ] as const)
      as(method, path);
    const hook = (await a.post('/v1/webhooks', { url: 'http://127.0.0.1:9/a', events: ['a_only_event'] })).body;
    expect(hook.id).toEqual(expect.any(Number));
    expect((await a.post('/v1/events', { event: 'a_only_event', contact_email: email })).status).toBe(201);
    await settled(c);
    // The worker fans the event's outbox row out into the endpoint's delivery once stored.
    const delivery = await until(async () => (await a.get(`/v1/webhooks/${hook.id}/deliveries`)).body[0]);
    expect(delivery.id).toEqual(expect.any(Number));
    // A's own new event is part of what B must leave unchanged.
    before = await snapshotOfA();
    expect((await b.get('/v1/webhooks')).body).toEqual([]);
    expectError(await b.get(`/v1/webhooks/${hook.id}`), 404, 'webhook_not_found');
    expectError(await b.patch(`/v1/webhooks/${hook.id}`, { enabled: false }), 404, 'webhook_not_found');
    expectError(await b.post(`/v1/webhooks/${hook.id}/rotate-secret`, {}), 404, 'webhook_not_found');
    expectError(await b.get(`/v1/webhooks/${hook.id}/deliveries`), 404, 'webhook_not_found');
    const retry = `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`;
    expectError(await b.post(retry, {}), 404, 'webhook_not_found');
    const own = (await b.post('/v1/webhooks', { url: 'http://127.0.0.1:9/b', events: ['*'] })).body;
    expectError(await b.post(`/v1/webhooks/${own.id}/deliveries/${delivery.id}/retry`, {}), 404, 'delivery_not_found');
    expectError(await b.delete(`/v1/webhooks/${hook.id}`), 404, 'webhook_not_found');
    const still = (await a.get(`/v1/webhooks/${hook.id}`)).body;
    expect(still.enabled).toBe(true);
    expect((await a.delete(`/v1/webhooks/${hook.id}`)).status).toBe(200);
  });

  it("leaves A's event, contact, schemas and lists unchanged after all of B's attempts", async () => {
    expect(await snapshotOfA()).toEqual(before);
  });

  it('tried every read and write endpoint of the API (the OpenAPI document lists them)', async () => {
    const document = (await a.get('/openapi.json')).body as { paths: Record<string, object> };
    const endpoints = Object.entries(document.paths)
      // /v1/my/events: the same handlers as /v1/events.
      .filter(([path]) => path.startsWith('/v1/') && !/^\/v1\/(admin|my)\//.test(path))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(endpoints.filter((endpoint) => !tried.has(endpoint))).toEqual([]);
  });
});
