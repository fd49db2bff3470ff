/**
 * What each scenario sends, built per request inside the load process (autocannon `setupRequest`), so every
 * request carries new event ids / idempotency keys. A scenario is { requests, perResponse? }.
 */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/**
 * Who sends the n-th beacon: every visitor sends 4 beacons, 100 beacons apart (more than the connections in
 * flight, so one visitor's beacons are never in flight together). After the first 300 beacons, a quarter come from
 * a visitor seen for the first time (a new contact) and the rest from known ones, as on a site with ~4 page views a
 * visit. Only a visitor's first event carries attribution (a campaign URL and an outside referrer): the landing
 * page; later ones are plain pages of the same site.
 */
const SPACING = 25;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let counter = 0;

function visitorOf(n) {
  const visitor = Math.floor(n / 4) - SPACING * (n % 4);
  return visitor >= 0
    ? { id: `v-${run}-${visitor}`, landing: n % 4 === 0 }
    : { id: `v-${run}-early-${n}`, landing: true };
}

function beaconEvent(n, visitor, i) {
  const landing = visitor.landing && i === 0;
  const page = (n + i) % 200;
  const base = {
    id: `b-${run}-${n}-${i}`,
    anonymous_id: visitor.id,
    session_id: `s-${visitor.id}`,
    timestamp: Date.now(),
    url: `https://shop.example/p/${page}${landing ? '?utm_source=newsletter&utm_medium=email' : ''}`,
    title: 'Shop',
    ...(landing ? { referrer: 'https://www.google.com/' } : {}),
  };
  return i % 4 === 3
    ? { ...base, event: 'add_to_cart', data: { sku: `SKU-${(n + i) % 500}`, price: 9.5, qty: 1 } }
    : { ...base, event: 'page_view', data: { path: `/p/${page}` } };
}

/** One beacon of `size` events from one visitor, as the tracker sends it (text/plain, a desktop Chrome user agent). */
export function beaconBody(key, size) {
  const n = counter++;
  const visitor = visitorOf(n);
  const events = Array.from({ length: size }, (_, i) => beaconEvent(n, visitor, i));
  return JSON.stringify({ key, sent_at: new Date().toISOString(), events });
}

const countCreated = (body) => body.split('"status":"created"').length - 1;

function beacon(params, size) {
  return {
    requests: [
      {
        method: 'POST',
        path: '/v1/collect',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          'user-agent': CHROME_UA,
          origin: 'https://shop.example',
        },
        setupRequest: (request) => ({ ...request, body: beaconBody(params.publishableKey, size) }),
      },
    ],
    perResponse: (status, body) => (status === 200 ? countCreated(body) : 0),
  };
}

/** POST /v1/events with a live key and a new idempotency key each time, for a pool of known contacts. */
function serverEvent(params) {
  return {
    requests: [
      {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${params.liveKey}` },
        setupRequest: (request) => {
          const n = counter++;
          return {
            ...request,
            body: JSON.stringify({
              event: n % 3 === 0 ? 'signup' : 'invoice_paid',
              contact_email: `customer${n % 5000}@bench.example`,
              idempotency_key: `e-${run}-${n}`,
              amount: 19.99,
              data: { plan: n % 2 ? 'pro' : 'team', seats: 1 + (n % 9) },
            }),
          };
        },
      },
    ],
    perResponse: (status) => (status === 201 ? 1 : 0),
  };
}

/** GET /v1/events with one filter, its value varying per request over what the seed wrote. */
function listing(params, filter) {
  const day = 86_400_000;
  const query = {
    event: (n) => `event=${params.eventNames[n % params.eventNames.length]}&limit=50`,
    contact: (n) => `contact_id=${params.contactIds[(n * 7919) % params.contactIds.length]}&limit=50`,
    recent: (n) => `created_after=${params.seedEnd - day * (1 + (n % 3))}&limit=50`,
  }[filter];
  return {
    requests: [
      {
        method: 'GET',
        path: '/v1/events',
        headers: { authorization: `Bearer ${params.liveKey}` },
        setupRequest: (request) => ({ ...request, path: `/v1/events?${query(counter++)}` }),
      },
    ],
  };
}

export const scenarios = {
  beacon1: (p) => beacon(p, 1),
  beacon100: (p) => beacon(p, 100),
  events: (p) => serverEvent(p),
  'list-event': (p) => listing(p, 'event'),
  'list-contact': (p) => listing(p, 'contact'),
  'list-recent': (p) => listing(p, 'recent'),
};
