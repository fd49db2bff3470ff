import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, beacon, call, client, postgresAdminUrl, tempDir } from './support/collector.js';
import { type CollectorProcess, spawnCollectorProcess } from './support/collector-process.js';
import { createDatabase } from './support/postgres.js';

/**
 * Two collector processes on one PostgreSQL database (issue #6): each has its own writer, so what must stay unique
 * across them is up to the database.
 */
describe('two collectors on one PostgreSQL database', () => {
  const dir = tempDir();
  let a: CollectorProcess;
  let b: CollectorProcess;
  let keys: { publishable: string; live: string };
  const both = () => [a, b];

  beforeAll(async () => {
    const db = await createDatabase(postgresAdminUrl());
    // Two instance ids, so the two never mint the same event id (README, TRACKLET_INSTANCE_ID).
    [a, b] = (await Promise.all(
      [1, 2].map((instance) =>
        spawnCollectorProcess({
          TRACKLET_DB: db,
          TRACKLET_INSTANCE_ID: String(instance),
          TRACKLET_DEMO_KEYS: `${dir.path}/demo-${instance}.json`,
        }),
      ),
    )) as [CollectorProcess, CollectorProcess];
    const created = await call(`${a.url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'shared' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    expect(created.status).toBe(201);
    keys = created.body.keys;
  });
  afterAll(async () => {
    await Promise.all(both().map((p) => p?.stop()));
    dir.remove();
  });

  const total = async (query: string) =>
    Number((await client(a, keys.live).get(`/v1/events?limit=1&${query}`)).headers.get('x-total-count'));

  it('stores each of 100 idempotency keys sent through both at once exactly once, and answers every copy with its id', async () => {
    const keysSent = Array.from({ length: 100 }, (_, i) => `shared-key-${i}`);
    const answers = await Promise.all(
      keysSent.flatMap((key, i) =>
        [0, 1, 2, 3].map(async (copy) => {
          const target = both()[(i + copy) % 2] as CollectorProcess;
          const answer = await client(target, keys.live).post(
            '/v1/events',
            { event: 'idem', contact_email: `idem${i % 5}@example.com`, data: { i } },
            { 'idempotency-key': key },
          );
          return { key, answer };
        }),
      ),
    );
    expect(
      answers.filter(({ answer }) => ![200, 201].includes(answer.status)).map(({ answer }) => answer.body),
    ).toEqual([]);
    for (const key of keysSent) {
      const copies = answers.filter((x) => x.key === key).map((x) => x.answer);
      expect(new Set(copies.map((c) => c.body.id)).size, key).toBe(1);
      expect(
        copies.filter((c) => c.status === 201),
        key,
      ).toHaveLength(1);
    }
    expect(await total('event=idem')).toBe(100);
  });

  it('stores one confirmation per order id sent through both at once; the others are discarded as duplicate_order', async () => {
    const orders = Array.from({ length: 40 }, (_, i) => `order-${i}`);
    const answers = await Promise.all(
      orders.flatMap((order, i) =>
        [0, 1, 2].map(async (copy) => {
          const target = both()[(i + copy) % 2] as CollectorProcess;
          const answer = await client(target, keys.live).post('/v1/events', {
            event: 'confirmation',
            contact_email: `buyer${copy}@example.com`,
            amount: 10 + i,
            data: { order_id: order },
          });
          return { order, answer };
        }),
      ),
    );
    for (const order of orders) {
      const copies = answers.filter((x) => x.order === order).map((x) => x.answer);
      expect(
        copies.filter((c) => c.status === 201),
        order,
      ).toHaveLength(1);
      expect(
        copies.filter((c) => c.status === 200).map((c) => [c.body.status, c.body.reason]),
        order,
      ).toEqual([
        ['discarded', 'duplicate_order'],
        ['discarded', 'duplicate_order'],
      ]);
    }
    expect(await total('event=confirmation')).toBe(40);
  });

  it('ends with one contact holding every event when many visitors log in with one email through both at once', async () => {
    const visitors = Array.from({ length: 30 }, (_, i) => `visitor-${i}`);
    let n = 0;
    const send = (p: CollectorProcess, anonymousId: string, event: string, extra: Record<string, unknown> = {}) =>
      beacon(p, { key: keys.publishable, events: [{ id: `race-${++n}`, event, anonymous_id: anonymousId, ...extra }] });
    const sent: Promise<Answer>[] = [];
    // Their anonymous past, through both collectors …
    await Promise.all(
      visitors.map((v, i) =>
        send(both()[i % 2] as CollectorProcess, v, 'page_view', { url: `https://shop.example/p${i}` }),
      ),
    );
    // … then the logins, racing more anonymous events of the same visitors on the other collector.
    visitors.forEach((v, i) => {
      sent.push(
        send(both()[i % 2] as CollectorProcess, v, 'login', {
          data: { email: i % 3 === 0 ? 'Shared@Example.com' : 'shared@example.com' },
        }),
      );
      sent.push(send(both()[(i + 1) % 2] as CollectorProcess, v, 'page_view', { url: `https://shop.example/q${i}` }));
    });
    const answers = await Promise.all(sent);
    expect(answers.map((x) => [x.status, x.body.results?.[0]?.status])).toEqual(answers.map(() => [200, 'created']));

    const api = client(b, keys.live);
    const profile = (await api.get('/v1/contacts?email=shared@example.com')).body;
    expect(profile.merged_into).toBeNull();
    expect(profile.event_count).toBe(visitors.length * 3);
    expect([...profile.anonymous_ids].sort()).toEqual([...visitors].sort());
    const events = await api.get(`/v1/contacts/${profile.id}/events?limit=100`);
    expect(Number(events.headers.get('x-total-count'))).toBe(visitors.length * 3);
    expect(new Set(events.body.map((e: { id: number }) => e.id)).size).toBe(visitors.length * 3);
    const all = (await api.get('/v1/contacts?limit=100')).body as {
      email: string | null;
      merged_into: number | null;
    }[];
    expect(all.filter((c) => c.email?.toLowerCase() === 'shared@example.com' && c.merged_into === null)).toHaveLength(
      1,
    );
    for (const v of visitors) {
      const own = (await api.get(`/v1/events?anonymous_id=${v}`)).body as { contact_id: number }[];
      expect(
        own.map((e) => e.contact_id),
        v,
      ).toEqual([profile.id, profile.id, profile.id]);
    }
  });

  it('keeps one type per property when both see a new property at once, and loses no property', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `prop_${i}`);
    // Other contacts each, so nothing but the schema is shared between the two.
    const post = (p: number, value: unknown, name: string) =>
      client(both()[p % 2] as CollectorProcess, keys.live).post('/v1/events', {
        event: 'typed',
        contact_email: `${name}-${typeof value}@example.com`,
        data: { [name]: value },
      });
    const answers = await Promise.all(names.flatMap((name, i) => [post(i, 1, name), post(i + 1, 'text', name)]));
    const schema = (await client(a, keys.live).get('/v1/event-schemas')).body.find(
      (s: { event: string }) => s.event === 'typed',
    );
    expect(Object.keys(schema.properties).sort()).toEqual([...names].sort());
    names.forEach((name, i) => {
      const [asInt, asString] = [answers[2 * i] as Answer, answers[2 * i + 1] as Answer];
      const accepted = schema.properties[name] === 'int' ? asInt : asString;
      const refused = accepted === asInt ? asString : asInt;
      expect([accepted.status, refused.status], name).toEqual([201, 400]);
      expect(refused.body.errors[0]).toMatchObject({ code: 'property_type_mismatch', path: `data.${name}` });
    });
  });

  it('refuses a type that the other collector gave a property after this one cached the schema', async () => {
    const post = (p: CollectorProcess, data: Record<string, unknown>) =>
      client(p, keys.live).post('/v1/events', { event: 'cached', contact_email: 'cache@example.com', data });
    // Both read and cache the schema {seen: int}; then b types a new property, which a's cache does not know.
    expect((await post(a, { seen: 1 })).status).toBe(201);
    expect((await post(b, { seen: 2 })).status).toBe(201);
    expect((await post(b, { later: 5 })).status).toBe(201);
    const refused = await post(a, { seen: 3, later: 'text' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ code: 'property_type_mismatch', path: 'data.later' });
    expect((await post(a, { later: 6 })).status).toBe(201);
  });

  it('loses no attribute when both update the same contact at once', async () => {
    const api = client(a, keys.live);
    const contact = (await api.post('/v1/contacts', { email: 'attrs@example.com' })).body;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        client(both()[i % 2] as CollectorProcess, keys.live).post('/v1/events', {
          event: 'update',
          contact_id: contact.id,
          contact: { [`attr_${i}`]: i },
        }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual(answers.map(() => 201));
    const profile = (await api.get(`/v1/contacts/${contact.id}`)).body;
    expect(Object.keys(profile.attributes)).toHaveLength(40);
  });
});
