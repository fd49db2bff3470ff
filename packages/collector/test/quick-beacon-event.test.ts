import fc from 'fast-check';
import { beaconEventSchema, limits } from '@tracklet/protocol';
import { describe, expect, it } from 'vitest';
import { quickBeaconEvent } from '../src/pipeline/quick-beacon-event.js';
import { beaconEvent as fuzzedBeaconEvent, nastyNumber, nastyValue } from './support/fuzz-arbitraries.js';

/**
 * quickBeaconEvent must answer exactly what beaconEventSchema does (the same values, in the same key order) for
 * every event it accepts, and accept only events the schema accepts; the rest it leaves to the schema. The
 * generators aim at the edges of every rule: lengths around each limit, patterns, integers, sizes, unknown keys.
 */
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Parsed JSON, as the collector hands events over. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function agrees(raw: unknown): boolean {
  const quick = quickBeaconEvent(raw);
  const zod = beaconEventSchema.safeParse(raw, { reportInput: true });
  if (quick === undefined) return true;
  expect(zod.success).toBe(true);
  // Order-sensitive, then structural.
  expect(JSON.stringify(quick)).toBe(JSON.stringify(zod.data));
  expect(quick).toStrictEqual(zod.data);
  return true;
}

/** Mostly `valid`, sometimes `invalid` (every field of an event at once, so combinations are tried too). */
const edge = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: invalid as fc.Arbitrary<unknown> });
/** Strings of lengths from `min` up to `max`, mostly at the ends; sometimes one or two over, or under. */
const text = (max: number, min = 0) =>
  edge(
    fc.oneof(
      fc.string({ maxLength: 3 }).filter((v) => v.length >= min),
      fc.integer({ min: Math.max(min, max - 2), max }).map((n) => 'a'.repeat(n)),
      fc.string({ unit: 'binary', minLength: min, maxLength: 8 }),
    ),
    fc.oneof(
      fc.integer({ min: max + 1, max: max + 2 }).map((n) => 'a'.repeat(n)),
      fc.constant(min > 0 ? '' : 'a'.repeat(max + 1)),
      nastyValue,
    ),
  );

const propertyKey: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/),
      fc.constantFrom('constructor', 'toString', 'k'.repeat(128), '0', '12'),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', '', 'a-b', 'é', 'k'.repeat(129)) },
);
const propertyValue = edge(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.integer({ min: limits.maxStringLength - 1, max: limits.maxStringLength }).map((n) => 'v'.repeat(n)),
  ),
  fc.oneof(fc.constant('v'.repeat(limits.maxStringLength + 1)), nastyValue),
);
const properties = edge(
  fc.oneof(
    { weight: 12, arbitrary: fc.dictionary(propertyKey, propertyValue, { maxKeys: 8 }) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 97, max: 102 })
        .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
    },
    // Around the 32 KB limit: strings of 2,000 characters, some written with escapes or taking 3 bytes each.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 2, max: 18 }), fc.constantFrom('x', '"', '€', '\u0002'))
        .map(([n, c]) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, c.repeat(2000)]))),
    },
  ),
  nastyValue,
);
/** ISO-8601 times zod accepts (years 0000–9999). */
const isoTime = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const integer = (max: number) =>
  edge(
    fc.oneof(fc.integer({ min: 0, max: Math.min(max, 2 ** 31) }), fc.constantFrom(0, max, max - 1)),
    fc.oneof(fc.constantFrom(-1, 1.5, max + 1, 2 ** 53), nastyNumber),
  );
const clickIds = edge(
  fc.dictionary(fc.stringMatching(/^[a-z_]{2,32}$/), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.dictionary(fc.stringMatching(/^[a-z_]{1,33}$/), fc.string(), { maxKeys: 3 }),
);
const touch = edge(
  fc.record(
    {
      utm_source: text(512),
      utm_medium: text(512),
      utm_term: text(512),
      utm_content: text(512),
      utm_campaign: text(512),
      referrer: fc.oneof(text(2048), fc.constant(null)),
      url: fc.oneof(text(2048), fc.constant(null)),
      click_ids: fc.oneof(fc.constant(null), clickIds),
      at: fc.oneof(integer(Number.MAX_SAFE_INTEGER), isoTime),
      not_a_touch_field: nastyValue,
    },
    { requiredKeys: [] },
  ),
  nastyValue,
);

const edgyEvent = fc.record(
  {
    id: text(limits.maxIdempotencyKeyLength, 1),
    event: edge(
      fc.oneof(
        fc.constantFrom('page_view', 'add_to_cart', 'login', 'a'.repeat(64)),
        fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/),
      ),
      fc.constantFrom('Page', '1a', '', 'a'.repeat(65), 'page-view'),
    ),
    anonymous_id: text(128, 1),
    session_id: text(128, 1),
    contact: properties,
    timestamp: fc.oneof(
      integer(8.64e15),
      isoTime,
      fc.constantFrom('2026-11-22', '2026-11-22T10:00:00+01:00', 'yesterday'),
    ),
    amount: edge(fc.double({ noNaN: true, noDefaultInfinity: true }), nastyValue),
    resource_uid: text(256),
    resource_name: text(512),
    resource_url: edge(fc.webUrl(), fc.constantFrom('not a url', 'https://x.example/a b')),
    url: text(2048),
    title: text(1024),
    referrer: text(2048),
    test: edge(fc.boolean(), nastyValue),
    data: properties,
    utm_source: text(512),
    utm_medium: text(512),
    utm_term: text(512),
    utm_content: text(512),
    utm_campaign: text(512),
    click_ids: clickIds,
    user: edge(
      fc.record(
        {
          email: fc.constantFrom('a@b.co', ' a@b.co '),
          phone: fc.string({ minLength: 1, maxLength: 3 }),
          external_id: fc.string({ minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      fc.record({ email: fc.constantFrom('nope', ''), other: fc.string() }),
    ),
    first_touch: touch,
    last_touch: touch,
  },
  { requiredKeys: ['id', 'event', 'anonymous_id'] },
);

/** Keys beaconEventSchema does not know, some of them Object.prototype's (`in` finds those), rarely added. */
const withStrangers = fc
  .tuple(
    edgyEvent,
    fc.oneof(
      { weight: 15, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('unknown_field', 'toString', 'constructor', '__proto__', 'hasOwnProperty'),
      },
    ),
    nastyValue,
  )
  .map(([event, key, value]) => (key === undefined ? event : { ...event, [key]: value ?? 1 }));

/** Most events as the tracker sends them, each with at most one field swapped for an edge. */
const trackerEvent = fc.record(
  {
    id: fc.uuid(),
    event: fc.constantFrom('page_view', 'add_to_cart', 'signup'),
    anonymous_id: fc.uuid(),
    session_id: fc.uuid(),
    timestamp: fc.integer({ min: 1.7e12, max: 1.9e12 }),
    url: fc.webUrl({ withQueryParameters: true }),
    title: fc.string({ maxLength: 30 }),
    referrer: fc.webUrl(),
    utm_source: fc.string({ maxLength: 10 }),
    first_touch: fc.record(
      { url: fc.webUrl(), at: fc.integer({ min: 1.7e12, max: 1.9e12 }), referrer: fc.webUrl() },
      { requiredKeys: ['url', 'at'] },
    ),
    last_touch: fc.record(
      { url: fc.webUrl(), at: fc.integer({ min: 1.7e12, max: 1.9e12 }), utm_source: fc.string({ maxLength: 10 }) },
      { requiredKeys: ['url', 'at'] },
    ),
    user: fc.record({ email: fc.stringMatching(/^[a-z0-9]{1,10}@[a-z]{1,10}\.example$/) }),
    data: fc.dictionary(
      fc.stringMatching(/^[a-z_]{1,10}$/),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
      ),
      { maxKeys: 6 },
    ),
  },
  { requiredKeys: ['id', 'event', 'anonymous_id'] },
);
const swapped = fc.tuple(trackerEvent, edgyEvent, fc.nat({ max: 30 })).map(([base, edge, n]) => {
  const keys = Object.keys(edge);
  const key = keys[n % Math.max(1, keys.length)];
  return key === undefined ? base : { ...base, [key]: (edge as Record<string, unknown>)[key] };
});

// Thousands of zod parses each: on a shared, loaded machine these take longer than the default 20 s.
describe('quickBeaconEvent', { timeout: 120_000 }, () => {
  const params = (numRuns: number) => ({ seed, numRuns, endOnFailure: true });

  it('answers what beaconEventSchema answers, for events at the edges of every rule', () => {
    fc.assert(fc.property(withStrangers.map(asJson), agrees), params(3000));
  });

  it('answers what beaconEventSchema answers, for tracker events with one field at an edge', () => {
    fc.assert(fc.property(swapped.map(asJson), agrees), params(3000));
  });

  it("answers what beaconEventSchema answers, for the fuzz suite's beacon events and any value at all", () => {
    fc.assert(fc.property(fuzzedBeaconEvent.map(asJson), agrees), params(2000));
    fc.assert(fc.property(nastyValue.map(asJson), agrees), params(1000));
  });

  it('accepts the events trackers send, so they skip zod', () => {
    fc.assert(
      fc.property(trackerEvent.map(asJson), (raw) => {
        expect(beaconEventSchema.safeParse(raw).success).toBe(true);
        expect(quickBeaconEvent(raw)).toBeDefined();
        return agrees(raw);
      }),
      params(500),
    );
    const bench = {
      id: 'b-1-0',
      anonymous_id: 'v-1',
      session_id: 's-v-1',
      timestamp: 1795000000000,
      url: 'https://shop.example/p/1',
      title: 'Shop',
      event: 'add_to_cart',
      data: { sku: 'SKU-1', price: 9.5, qty: 1 },
    };
    expect(quickBeaconEvent(asJson(bench))).toEqual(beaconEventSchema.parse(bench));
  });

  it('leaves to zod what it cannot vouch for, and anything zod refuses', () => {
    const base = { id: 'e1', event: 'page_view', anonymous_id: 'v1' };
    for (const raw of [
      null,
      [],
      'x',
      {},
      { event: 'page_view', anonymous_id: 'v1' },
      { ...base, extra: 1 },
      { ...base, event: 'Page' },
      { ...base, id: '' },
      { ...base, timestamp: 1.5 },
      { ...base, data: { 'a-b': 1 } },
      { ...base, data: { a: [1] } },
      { ...base, data: { a: 'x'.repeat(2049) } },
      { ...base, first_touch: { at: -1 } },
      { ...base, user: { email: 'nope' } },
    ]) {
      expect(quickBeaconEvent(asJson(raw))).toBeUndefined();
      expect(beaconEventSchema.safeParse(raw).success).toBe(false);
    }
    // Valid, but answered by the fields' own schemas: an ISO timestamp, click ids, a trimmed email.
    const delegated = {
      ...base,
      timestamp: '2026-11-22T10:00:00Z',
      click_ids: { gclid: 'x' },
      user: { email: ' a@b.co ' },
      first_touch: { url: 'https://a.example/', at: '2026-11-22T10:00:00Z', click_ids: { gclid: 'y' } },
    };
    expect(quickBeaconEvent(delegated)).toStrictEqual(beaconEventSchema.parse(delegated));
  });
});
