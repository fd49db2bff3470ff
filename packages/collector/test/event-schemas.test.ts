import { beforeAll, describe, expect, it } from 'vitest';
import { beacon, beaconTaken, type Client, client, createAccount, settled, testLog } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

interface SchemaSummary {
  event: string;
  properties: Record<string, string>;
  first_seen: string;
  last_seen: string;
}

describe('event schemas: inferred property types per account and event name', () => {
  const c = useCollector({ account: { name: 'schemas' } });
  const live = c.live;
  let other: Client;
  const post = (as: Client, event: string, data: Record<string, unknown>) =>
    as.post('/v1/events', { event, contact_email: 'schema@example.com', data });
  const schemaOf = async (as: Client, event: string): Promise<SchemaSummary | undefined> => {
    const answer = await as.get('/v1/event-schemas');
    expect(answer.status).toBe(200);
    return (answer.body as SchemaSummary[]).find((s) => s.event === event);
  };
  const count = async (event: string) =>
    Number((await live.get(`/v1/events?event=${event}&limit=1`)).headers.get('x-total-count'));

  beforeAll(async () => {
    other = client(c, (await createAccount(c, { name: 'other' })).keys.live);
  });

  it('infers bool, int, float, string, date, dateTime, email and url from the first event', async () => {
    const before = Date.now();
    const answer = await post(live, 'checkout', {
      paid: true,
      qty: 3,
      price: 9.99,
      note: 'gift wrap',
      day: '2026-01-31',
      at: '2026-01-31T10:00:00Z',
      buyer: 'buyer@example.com',
      page: 'https://shop.example/cart',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const schema = await schemaOf(live, 'checkout');
    expect(schema).toEqual({
      event: 'checkout',
      properties: {
        paid: 'bool',
        qty: 'int',
        price: 'float',
        note: 'string',
        day: 'date',
        at: 'dateTime',
        buyer: 'email',
        page: 'url',
      },
      first_seen: expect.any(String),
      last_seen: expect.any(String),
    });
    expect(Date.parse(schema!.first_seen)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(Date.parse(schema!.first_seen)).toISOString()).toBe(schema!.first_seen);
    expect(Date.parse(schema!.last_seen)).toBeGreaterThanOrEqual(Date.parse(schema!.first_seen));
  });

  it('lists every event name of the account with {event, properties, first_seen, last_seen}', async () => {
    await post(live, 'signup', { plan: 'pro' });
    const answer = await live.get('/v1/event-schemas');
    expect(answer.status).toBe(200);
    expect(answer.body.map((s: SchemaSummary) => s.event).sort()).toEqual(['checkout', 'signup']);
    for (const s of answer.body as SchemaSummary[])
      expect(Object.keys(s).sort()).toEqual(['event', 'first_seen', 'last_seen', 'properties']);
  });

  it('lets a later event add properties and keeps the known ones', async () => {
    const answer = await post(live, 'checkout', { coupon: 'SPRING', price: 5.5 });
    expect(answer.status).toBe(201);
    const schema = await schemaOf(live, 'checkout');
    expect(schema!.properties).toMatchObject({ coupon: 'string', price: 'float', qty: 'int', paid: 'bool' });
    expect(Object.keys(schema!.properties)).toHaveLength(9);
  });

  it('answers 400 property_type_mismatch naming property, stored type and given type, at path data.price', async () => {
    const answer = await post(live, 'checkout', { price: 'cheap' });
    expectError(answer, 400, 'property_type_mismatch', 'data.price');
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        code: 'property_type_mismatch',
        message: 'Property type mismatch',
        description: 'data.price was float, got string',
        path: 'data.price',
      }),
    ]);
  });

  it('accepts an int where a float is stored, and keeps the float type', async () => {
    expect((await post(live, 'checkout', { price: 10 })).status).toBe(201);
    expect((await schemaOf(live, 'checkout'))!.properties.price).toBe('float');
  });

  it('refuses a float where an int is stored', async () => {
    const answer = await post(live, 'checkout', { qty: 2.5 });
    expectError(answer, 400, 'property_type_mismatch', 'data.qty');
    expect(answer.body.errors[0].description).toBe('data.qty was int, got float');
  });

  it.each([
    ['paid', 'yes', 'bool', 'string'],
    ['qty', true, 'int', 'bool'],
    ['day', 'tomorrow', 'date', 'string'],
    ['buyer', 'not an email', 'email', 'string'],
    ['page', 42, 'url', 'int'],
  ])('refuses %s = %j where %s is stored', async (name, value, stored, given) => {
    const answer = await post(live, 'checkout', { [name]: value });
    expectError(answer, 400, 'property_type_mismatch', `data.${name}`);
    expect(answer.body.errors[0].description).toBe(`data.${name} was ${stored}, got ${given}`);
  });

  it('always accepts null for a known property', async () => {
    const answer = await post(live, 'checkout', { price: null, qty: null, paid: null, day: null });
    expect(answer.status).toBe(201);
    expect(answer.body.data).toEqual({ price: null, qty: null, paid: null, day: null });
    expect((await schemaOf(live, 'checkout'))!.properties.price).toBe('float');
  });

  it('answers one error entry per mismatching property', async () => {
    const answer = await post(live, 'checkout', { price: 'x', qty: 'y', paid: 1, note: 'fine' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(3);
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'data.paid',
      'data.price',
      'data.qty',
    ]);
    for (const e of answer.body.errors) expect(e.code).toBe('property_type_mismatch');
  });

  it('does not store a mismatching event, nor its new properties, nor a new contact', async () => {
    const stored = await count('checkout');
    const schemaBefore = await schemaOf(live, 'checkout');
    const answer = await live.post('/v1/events', {
      event: 'checkout',
      contact_email: 'never-stored@example.com',
      data: { price: 'free', brand_new: 'x' },
    });
    expect(answer.status).toBe(400);
    expect(await count('checkout')).toBe(stored);
    expect((await schemaOf(live, 'checkout'))!.properties).toEqual(schemaBefore!.properties);
    expect((await live.get('/v1/contacts?email=never-stored@example.com')).status).toBe(404);
  });

  it('rejects the mismatching item of a batch and stores the others', async () => {
    const stored = await count('checkout');
    const answer = await live.post('/v1/events/batch', {
      events: [
        { event: 'checkout', contact_email: 'schema@example.com', data: { price: 1.5 } },
        { event: 'checkout', contact_email: 'schema@example.com', data: { price: 'x' } },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results[0].status).toBe('created');
    expect(answer.body.results[1].status).toBe('rejected');
    expect(answer.body.results[1].errors).toContainEqual(
      expect.objectContaining({ code: 'property_type_mismatch', description: 'data.price was float, got string' }),
    );
    expect(await count('checkout')).toBe(stored + 1);
  });

  it('keeps schemas per event name: the same property may have another type in another event', async () => {
    expect((await post(live, 'refund', { price: 'full' })).status).toBe(201);
    expect((await schemaOf(live, 'refund'))!.properties).toEqual({ price: 'string' });
    expect((await schemaOf(live, 'checkout'))!.properties.price).toBe('float');
  });

  it('keeps schemas per account: another account infers its own types for the same event name', async () => {
    expect((await post(other, 'checkout', { price: 'cheap' })).status).toBe(201);
    expect((await schemaOf(other, 'checkout'))!.properties).toEqual({ price: 'string' });
    expect((await schemaOf(live, 'checkout'))!.properties.price).toBe('float');
    expect(((await other.get('/v1/event-schemas')).body as SchemaSummary[]).map((s) => s.event)).toEqual(['checkout']);
  });

  it('schemas beacons the same way as server events', async () => {
    const account = await createAccount(c, { name: 'beacon-schemas' });
    const sender = {
      key: account.keys.publishable,
      events: [{ id: 'b-1', event: 'add_to_cart', anonymous_id: 'anon-s', data: { sku: 'A1', qty: 1 } }],
    };
    const first = await beacon(c, sender);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ index: 0, status: beaconTaken });
    await settled(c);
    const second = await beacon(c, {
      ...sender,
      events: [{ id: 'b-2', event: 'add_to_cart', anonymous_id: 'anon-s', data: { qty: 'one' } }],
    });
    const body = second.body;
    if (testLog) {
      // Log mode answers a beacon once the log has it; the writer then refuses the mismatch and stores nothing.
      expect(body.results[0]).toMatchObject({ index: 0, status: 'accepted' });
      await settled(c);
      expect((await client(c, account.keys.live).get('/v1/events/status?idempotency_key=b-2')).body).toEqual({
        status: 'not_found',
      });
    } else {
      expect(body.results[0]).toMatchObject({ index: 0, status: 'rejected' });
      expect(body.results[0].errors).toContainEqual(
        expect.objectContaining({ code: 'property_type_mismatch', path: 'data.qty' }),
      );
    }
    expect((await schemaOf(client(c, account.keys.live), 'add_to_cart'))!.properties).toEqual({
      sku: 'string',
      qty: 'int',
    });
  });
});

describe('allowed_events: an account restricted to a list of event names', () => {
  const c = useCollector({ account: { name: 'restricted', allowed_events: ['signup'] } });
  const live = c.live;
  const post = (body: Record<string, unknown>) => live.post('/v1/events', { contact_email: 'r@example.com', ...body });

  it('accepts a listed event', async () => {
    expect((await post({ event: 'signup' })).status).toBe(201);
  });

  it('answers 400 unknown_event to any other name and stores nothing', async () => {
    expectError(await post({ event: 'add_to_cart' }), 400, 'unknown_event');
    expectError(await post({ event: 'signups' }), 400, 'unknown_event');
    expect((await live.get('/v1/events?event=add_to_cart')).headers.get('x-total-count')).toBe('0');
    expect(((await live.get('/v1/event-schemas')).body as SchemaSummary[]).map((s) => s.event)).not.toContain(
      'add_to_cart',
    );
  });

  it('rejects an unlisted event inside a batch and a beacon with unknown_event', async () => {
    const batch = await live.post('/v1/events/batch', {
      events: [
        { event: 'signup', contact_email: 'r@example.com' },
        { event: 'nope', contact_email: 'r@example.com' },
      ],
    });
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'rejected']);
    expect(batch.body.results[1].errors).toContainEqual(expect.objectContaining({ code: 'unknown_event' }));
    const beaconAnswer = await beacon(c, {
      key: c.keys.publishable,
      events: [
        { id: 'r-1', event: 'nope', anonymous_id: 'anon-r' },
        { id: 'r-2', event: 'page_view', anonymous_id: 'anon-r' },
      ],
    });
    expect(beaconAnswer.status).toBe(200);
    const body = beaconAnswer.body;
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', beaconTaken]);
    expect(body.results[0].errors).toContainEqual(expect.objectContaining({ code: 'unknown_event' }));
  });

  it.each([
    ['page_view', { url: 'https://shop.example/' }],
    ['login', { data: { email: 'r@example.com' } }],
    ['update', { data: { plan: 'pro' } }],
    ['logout', {}],
    ['confirmation', { data: { order_id: 'o-1' } }],
    ['email_open', {}],
  ])('always allows the reserved event %s', async (event, extra) => {
    const answer = await post({ event, ...extra });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  });
});
