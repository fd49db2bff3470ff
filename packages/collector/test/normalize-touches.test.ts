import fc from 'fast-check';
import { type BeaconEvent, type EventInput, utmKeys } from '@tracklet/protocol';
import { describe, expect, it } from 'vitest';
import type { Identity, PendingEvent } from '../src/pipeline/context.js';
import { normalizeEvent, utmOf } from '../src/pipeline/normalize-event.js';
import { nextTouches } from '../src/pipeline/touches.js';
import type { TouchRecord } from '../src/store/records.js';

/** The first versions of utmOf, the identity of an event and nextTouches, kept as the reference. */
function firstQueryOf(url: string | null | undefined): URLSearchParams | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://relative.invalid').searchParams;
  } catch {
    return null;
  }
}
function firstUtmOf(input: EventInput | BeaconEvent): PendingEvent['utm'] {
  const query = firstQueryOf(input.resource_url) ?? null;
  const pageQuery = firstQueryOf(input.url);
  const utm = {} as PendingEvent['utm'];
  for (const key of utmKeys)
    utm[key] = input[key] ?? query?.get(key)?.slice(0, 512) ?? pageQuery?.get(key)?.slice(0, 512) ?? null;
  return utm;
}
function firstIdentityOf(input: EventInput | BeaconEvent): Identity {
  const api = input as EventInput;
  const user = (input as BeaconEvent).user;
  const fromBody = input.event === 'login' ? (input.contact ?? input.data ?? {}) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const identity: Identity = {
    contact_id: api.contact_id,
    email: api.contact_email ?? user?.email ?? text(fromBody.email),
    phone: api.contact_phone ?? user?.phone ?? text(fromBody.phone),
    external_id: api.external_id ?? user?.external_id ?? text(fromBody.external_id),
  };
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined));
}
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
};
function firstOutsideReferrer(e: PendingEvent): string | null {
  if (!e.referrer) return null;
  const from = hostOf(e.referrer);
  return from !== null && (!e.url || from !== hostOf(e.url)) ? e.referrer : null;
}
const firstTouch = (e: PendingEvent, referrer: string | null): TouchRecord => ({
  ...e.utm,
  referrer,
  url: e.url,
  click_ids: e.click_ids,
  at: e.occurredAt,
});
function firstTouchOfEvent(e: PendingEvent): TouchRecord | null {
  const hasUtm = Object.values(e.utm).some((v) => v !== null);
  const referrer = firstOutsideReferrer(e);
  return hasUtm || e.click_ids || referrer ? firstTouch(e, referrer) : null;
}
const earlier = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at < a.at ? b : a);
const later = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at > a.at ? b : a);
function firstNextTouches(
  current: { first_touch: TouchRecord | null; last_touch: TouchRecord | null },
  e: PendingEvent,
) {
  const own = firstTouchOfEvent(e);
  const pageTouch = e.url ? firstTouch(e, firstOutsideReferrer(e)) : null;
  const first = earlier(current.first_touch, e.firstTouch ?? own ?? pageTouch);
  const last = later(later(current.last_touch, e.lastTouch), own) ?? first;
  return { first_touch: first, last_touch: last };
}

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const params = { seed, numRuns: 2000 };

/** URLs that do, might or do not carry UTM parameters, however spelled. */
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    'https://shop.example/p/1',
    'https://shop.example/?utm_source=a&utm_medium=b',
    'https://shop.example/?%75tm_source=enc',
    'https://shop.example/?utm%5Fcampaign=c',
    'https://shop.example/?u\ttm_source=tab',
    'https://shop.example/?utm_\nterm=nl',
    'https://shop.example/#?utm_source=frag',
    '?utm_content=rel',
    '/p?x=1',
    'not a url ? utm_source=z',
    'https://shop.example/?page=2',
    'https://other.example/?utm_source=ref',
    'http://[bad/?utm_source=x',
    ` https://shop.example/?utm_source=${'x'.repeat(600)}`,
    '',
  ),
  fc
    .tuple(
      fc.constantFrom('https://shop.example/', '/p', ''),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('utm_source', 'utm_medium', '%75tm_term', 'u\ttm_campaign', 'xutm'),
      fc.string({ maxLength: 6 }),
    )
    .map(([base, a, key, value]) => `${base}${a}?${key}=${value}`),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const input = fc.record(
  {
    event: fc.constantFrom('page_view', 'login', 'signup'),
    url: maybe(url),
    resource_url: maybe(url),
    referrer: maybe(url),
    utm_source: maybe(fc.string({ maxLength: 3 })),
    utm_medium: maybe(fc.constant('')),
    utm_term: maybe(fc.string({ maxLength: 3 })),
    user: maybe(
      fc.record(
        {
          email: maybe(fc.constantFrom('a@b.co')),
          phone: maybe(fc.constantFrom('+1')),
          external_id: maybe(fc.constantFrom('x')),
        },
        { requiredKeys: [] },
      ),
    ),
    contact_email: maybe(fc.constantFrom('c@d.co')),
    contact_id: maybe(fc.nat()),
    external_id: maybe(fc.constantFrom('e1')),
    data: maybe(
      fc.record(
        { email: maybe(fc.constantFrom(' l@m.co ', '', '  ')), phone: maybe(fc.constantFrom('+2', 3)) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['event'] },
) as fc.Arbitrary<EventInput & BeaconEvent>;

const meta = { ip: null, userAgent: null, origin: null, receivedAt: 1_795_000_000_000 };
const auth = { account: { id: 1 }, keyId: 1, kind: 'live', scopes: [], test: false } as never;
const userAgent = { browser: null, os: null, device_type: null, bot: false };
const pending = (i: EventInput & BeaconEvent, source: 'api' | 'beacon') =>
  normalizeEvent(i, { auth, meta, source, idempotencyKey: null, requestHash: 'h', userAgent });

describe('normalizing an event', () => {
  it('takes the UTM fields the first version took, from the same URLs', () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(utmOf(i)).toStrictEqual(firstUtmOf(i));
      }),
      params,
    );
  });

  it('names the identity the first version named, fields in the same order', () => {
    fc.assert(
      fc.property(input, fc.constantFrom('api', 'beacon' as const), (i, source) => {
        const identity = pending(i, source).identity;
        expect(identity).toStrictEqual(firstIdentityOf(i));
        expect(Object.keys(identity)).toEqual(Object.keys(firstIdentityOf(i)));
      }),
      params,
    );
  });
});

describe('nextTouches', () => {
  const at = fc.constantFrom(1_000, 2_000, 3_000);
  const touch: fc.Arbitrary<TouchRecord | null> = fc.option(
    fc.record({
      utm_source: fc.constantFrom(null, 'x'),
      utm_medium: fc.constant(null),
      utm_term: fc.constant(null),
      utm_content: fc.constant(null),
      utm_campaign: fc.constant(null),
      referrer: fc.constantFrom(null, 'https://g.example/'),
      url: fc.constantFrom(null, 'https://shop.example/'),
      click_ids: fc.constant(null),
      at,
    }),
    { nil: null },
  );

  it('answers what the first version answered: the same objects where it kept them, equal ones where it made them', () => {
    fc.assert(
      fc.property(
        input,
        touch,
        touch,
        touch,
        touch,
        at,
        fc.option(fc.constant({ gclid: 'g' }), { nil: null }),
        (i, currentFirst, currentLast, eventFirst, eventLast, occurredAt, clickIds) => {
          const e = {
            ...pending(i, 'beacon'),
            firstTouch: eventFirst,
            lastTouch: eventLast,
            occurredAt,
            click_ids: clickIds,
          };
          const current = { first_touch: currentFirst, last_touch: currentLast };
          const got = nextTouches(current, e);
          const want = firstNextTouches(current, e);
          const known: TouchRecord[] = [currentFirst, currentLast, eventFirst, eventLast].filter((t) => t !== null);
          for (const key of ['first_touch', 'last_touch'] as const) {
            if (want[key] === null || known.includes(want[key])) expect(got[key]).toBe(want[key]);
            else {
              expect(known).not.toContain(got[key]);
              expect(got[key]).toStrictEqual(want[key]);
            }
          }
          // update-contact.ts saves the contact when a touch is another object than its own.
          expect(got.first_touch === currentFirst && got.last_touch === currentLast).toBe(
            want.first_touch === currentFirst && want.last_touch === currentLast,
          );
        },
      ),
      params,
    );
  });
});
