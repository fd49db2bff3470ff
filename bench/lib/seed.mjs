import { createHash } from 'node:crypto';
import { EventIdGenerator } from '../../packages/collector/dist/ids.js';
import { eventColumns } from '../../packages/collector/dist/store/records.js';
import { CHROME_UA } from './requests.mjs';

/**
 * The rows the listing scenarios read: `events` events of a few names from `contacts` anonymous visitors (a fifth
 * of them known by email), spread evenly over `days` days that end an hour ago, with ids from the collector's own
 * generator (ids.ts) at each event's time, so ids grow with time as the collector's do. Deterministic: the same
 * arguments give the same rows in either store. Shapes match what the load scenarios send (bench/lib/requests.mjs).
 */
export const seedEventNames = ['page_view', 'add_to_cart', 'checkout', 'signup', 'newsletter_open'];
export const seedSchemas = {
  page_view: { path: 'string' },
  add_to_cart: { sku: 'string', price: 'float', qty: 'int' },
  checkout: { step: 'int' },
  signup: { plan: 'string' },
  newsletter_open: { campaign: 'string' },
};

export function seedPlan({ events, contacts = 10_000, days = 30, now = Date.now() }) {
  const end = now - 3_600_000;
  const start = end - days * 86_400_000;
  return { events, contacts, days, start, end };
}

export function* seedContacts(plan, accountId) {
  for (let c = 0; c < plan.contacts; c++) {
    const at = plan.start + Math.floor(((c / plan.contacts) * (plan.end - plan.start)) / 4);
    yield {
      account_id: accountId,
      email: c % 5 === 0 ? `seed${c}@bench.example` : null,
      anonymous_id: `seed-v-${c}`,
      attributes: c % 5 === 0 ? { plan: c % 2 ? 'pro' : 'free' } : {},
      created_at: at,
      updated_at: at,
    };
  }
}

/** Which event name the i-th event has: 60% page_view, 20% add_to_cart, 10% checkout, 5% signup, 5% newsletter_open. */
const nameOf = (i) => {
  const r = (i * 37) % 20;
  return r < 12 ? 0 : r < 16 ? 1 : r < 18 ? 2 : r < 19 ? 3 : 4;
};

function dataOf(name, i) {
  switch (name) {
    case 'page_view':
      return { path: `/p/${i % 200}` };
    case 'add_to_cart':
      return { sku: `SKU-${i % 500}`, price: 9.5 + (i % 40), qty: 1 + (i % 3) };
    case 'checkout':
      return { step: 1 + (i % 3) };
    case 'signup':
      return { plan: i % 2 ? 'pro' : 'free' };
    default:
      return { campaign: `weekly-${i % 52}` };
  }
}

/** Event rows as objects keyed by eventColumns; `contactIds[c]` is the stored id of the c-th seeded contact. */
export function* seedEvents(plan, accountId, contactIds) {
  const ids = new EventIdGenerator(0);
  const step = (plan.end - plan.start) / plan.events;
  for (let i = 0; i < plan.events; i++) {
    const at = Math.floor(plan.start + i * step);
    const c = (i * 7919 + Math.floor(i / 13)) % plan.contacts;
    const event = seedEventNames[nameOf(i)];
    const data = dataOf(event, i);
    const idempotencyKey = `seed-${i}`;
    const campaign = i % 10 === 0;
    yield {
      id: ids.next(at),
      account_id: accountId,
      contact_id: contactIds[c],
      user_id: null,
      anonymous_id: `seed-v-${c}`,
      session_id: `seed-s-${c}-${Math.floor(at / 86_400_000)}`,
      event,
      amount: event === 'add_to_cart' ? data.price : null,
      data,
      idempotency_key: idempotencyKey,
      request_hash: createHash('sha256').update(idempotencyKey).digest('base64url'),
      resource_uid: null,
      resource_name: null,
      resource_url: null,
      url: `https://shop.example/p/${i % 200}${campaign ? '?utm_source=newsletter&utm_medium=email' : ''}`,
      title: 'Shop',
      test: false,
      generated: false,
      chain_depth: 0,
      ip: '127.0.0.1',
      user_agent: CHROME_UA,
      browser: 'Chrome',
      os: 'Windows',
      device_type: 'desktop',
      referrer: campaign ? null : 'https://www.google.com/',
      utm_source: campaign ? 'newsletter' : null,
      utm_medium: campaign ? 'email' : null,
      utm_term: null,
      utm_content: null,
      utm_campaign: null,
      click_ids: null,
      occurred_at: at,
      created_at: at,
      updated_at: at,
    };
  }
}

export { eventColumns };
