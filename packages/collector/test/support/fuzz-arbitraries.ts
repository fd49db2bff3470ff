import fc from 'fast-check';

/**
 * fast-check generators of hostile input for the fuzz suite (issue #7): plausible requests with one or more fields
 * swapped for something nasty, so most cases get past the first checks and reach deeper steps and the store.
 */

/** Strings a parser, a validator or a database may choke on. */
export const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      maxLength: 3,
    }),
  },
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udc00y',
      '__proto__',
      'constructor',
      'prototype',
      "' OR '1'='1",
      '"; DROP TABLE events; --',
      '$1',
      '?',
      '%',
      '%00',
      '../../etc/passwd',
      '<script>alert(1)</script>',
      'tk_live_00000000',
      'null',
      'undefined',
      'NaN',
      '1e999',
      '-0',
      '\r\nX-Injected: 1',
      'ﬃ',
      '\u202e',
      '😀'.repeat(600),
    ),
  },
);

export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1e308,
    -1e308,
    5e-324,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    0.1 + 0.2,
    1234567.123456789,
  ),
);

const markerKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'hasOwnProperty',
  'toString',
  'valueOf',
);
export const nastyKey = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/) },
  { weight: 1, arbitrary: markerKeys },
  { weight: 1, arbitrary: nastyString },
);

/** Any JSON-ish value, nested a little, with nasty keys and leaves (JSON.stringify drops undefined and turns NaN to null). */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const propertyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2026-11-22', '2026-11-22T10:00:00Z', 'a@b.co', 'https://x.example/'),
);
const properties = fc.dictionary(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('plan', 'price', 'sku', 'qty', 'ok', 'when', 'email') },
    { weight: 1, arbitrary: nastyKey },
  ),
  fc.oneof({ weight: 5, arbitrary: propertyValue }, { weight: 1, arbitrary: nastyValue }),
  { maxKeys: 6 },
);

/** Either a plausible value (most of the time) or a nasty one. */
const field = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 10, arbitrary: plausible }, { weight: 1, arbitrary: nastyValue });

/** Identities from a pool of the fuzzer's own (never the seeded ones), so logins and merges do happen among them. */
const poolEmail = fc.nat({ max: 20 }).map((n) => `fz${n}@fuzz.example`);
const poolAnonymous = fc.nat({ max: 20 }).map((n) => `fz-anon-${n}`);
const eventName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'page_view',
      'login',
      'update',
      'logout',
      'confirmation',
      'email_open',
      'signup',
      'add_to_cart',
      'fuzz_event',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,70}$/) },
);
const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 4_000_000_000_000 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  nastyString,
);
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true }),
  fc.constantFrom('https://shop.example/?utm_source=fz&gclid=1', 'javascript:alert(1)'),
);

/** A server-API event body: every field optional, plausible or nasty; sometimes an extra unknown field. */
export const eventBody = (contactIds: number[]) =>
  fc.record(
    {
      event: field(eventName),
      contact_email: field(poolEmail),
      contact_id: field(fc.oneof(fc.integer({ min: -3, max: 2_000_000 }), fc.constantFrom(...contactIds))),
      contact_phone: field(fc.stringMatching(/^\+?[0-9]{3,15}$/)),
      external_id: field(fc.string({ minLength: 1, maxLength: 20 })),
      anonymous_id: field(poolAnonymous),
      idempotency_key: field(fc.string({ minLength: 1, maxLength: 140 })),
      timestamp: field(timestamp),
      amount: field(nastyNumber),
      data: field(properties),
      contact: field(properties),
      resource_url: field(url),
      resource_uid: field(fc.string({ maxLength: 20 })),
      test: field(fc.boolean()),
      utm_source: field(fc.string({ maxLength: 20 })),
      unknown_field: fc.option(nastyValue, { freq: 15, nil: undefined }),
    },
    { requiredKeys: [] },
  );

/** One event inside a beacon. */
export const beaconEvent = fc.record(
  {
    id: field(fc.uuid()),
    event: field(eventName),
    anonymous_id: field(poolAnonymous),
    session_id: field(fc.string({ maxLength: 20 })),
    user: field(
      fc.record({ email: field(poolEmail), external_id: field(fc.string({ maxLength: 10 })) }, { requiredKeys: [] }),
    ),
    timestamp: field(timestamp),
    url: field(url),
    title: field(fc.string({ maxLength: 40 })),
    referrer: field(url),
    data: field(properties),
    first_touch: nastyValue,
  },
  { requiredKeys: ['id', 'event', 'anonymous_id'] },
);

export const contactBody = (contactIds: number[]) =>
  fc.record(
    {
      id: field(fc.oneof(fc.integer({ min: -3, max: 2_000_000 }), fc.constantFrom(...contactIds))),
      email: field(poolEmail),
      phone: field(fc.stringMatching(/^\+?[0-9]{3,15}$/)),
      external_id: field(fc.string({ minLength: 1, maxLength: 20 })),
      attributes: field(properties),
    },
    { requiredKeys: [] },
  );

export const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/json; charset=latin1',
  'application/json, text/plain',
  'application/vnd.api+json',
  'text/json',
  '*/*',
  'application/octet-stream',
  'application/json; boundary=%',
);

/** JSON text a JSON encoder would never write: deep nesting, huge numbers, forbidden keys, duplicates, bad escapes. */
export const hostileJsonText = (valid: fc.Arbitrary<unknown>) =>
  fc.tuple(valid, fc.nat({ max: 9 }), fc.integer({ min: 1, max: 20_000 })).map(([base, kind, n]) => {
    const text = JSON.stringify(base) ?? 'null';
    const inner = text.slice(1, -1);
    switch (kind) {
      case 0:
        return `${'['.repeat(n)}${']'.repeat(n)}`;
      case 1:
        return `{"data":${'{"a":'.repeat(n)}1${'}'.repeat(n)},${inner}}`;
      case 2:
        return `{"amount":1e999,"timestamp":${'9'.repeat(Math.min(n, 400))},${inner}}`;
      case 3:
        return `{"__proto__":{"polluted":"yes"},${inner}}`;
      case 4:
        return `{"data":{"constructor":{"prototype":{"polluted":"yes"}}},${inner}}`;
      case 5:
        return `{${inner},${inner}}`;
      case 6:
        return `{"title":"\\ud800\\udfff\\u0000\\uZZZZ",${inner}}`;
      case 7:
        return `\ufeff${text}`;
      case 8:
        return `${text}${'x'.repeat(n % 50)}`;
      default:
        return text.slice(0, Math.max(0, text.length - (n % 10) - 1));
    }
  });

/** encodeURIComponent refuses lone surrogates; a browser would send U+FFFD for them. */
const encode = (text: string) =>
  encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Query strings: known parameter names with nasty values, unknown names, repeats and broken percent-encoding. */
export const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc.constantFrom(
            'page',
            'limit',
            'event',
            'contact_id',
            'anonymous_id',
            'created_after',
            'created_before',
            'resource_uid',
            'resource_name',
            'test',
            'after_id',
            'email',
            'phone',
            'external_id',
            'idempotency_key',
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '__proto__[polluted]', 'a[b]', 'limit[]') },
        { weight: 1, arbitrary: nastyString },
      ),
      fc.oneof(
        fc.constantFrom(
          '1',
          '0',
          '-1',
          '100',
          '101',
          '1e3',
          '0x10',
          '9'.repeat(16),
          '9'.repeat(30),
          '253402300799999',
          'true',
          'yes',
          '',
          '2026-11-22',
          '2026-13-45T99:00:00Z',
          '9999-12-31T23:59:59Z',
          '0001-01-01',
        ),
        nastyString,
      ),
      fc.boolean(),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs
      .map(([k, v, raw]) => (raw ? `${k}=${v}`.replace(/[^\x21\x22\x24-\x7e]/g, '') : `${encode(k)}=${encode(v)}`))
      .join('&'),
  );

/** A path parameter: ids, non-ids, encoded junk, over-long. */
export const pathSegment = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e3',
    '9'.repeat(20),
    '%',
    '%00',
    '%2F',
    '..',
    'null',
    '__proto__',
    'x'.repeat(150),
  ),
  fc.string({ maxLength: 20 }).map(encode),
);
