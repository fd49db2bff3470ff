/**
 * A seeded visitors-and-visits data set for the stats tests, and the answers computed from it here, in plain
 * JavaScript over the seed (never through the collector's code), so the stores' SQL is checked against them.
 */

/** mulberry32: the same pseudo-random sequence on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedEvent {
  event: string;
  /** Who the collector will count as one visitor (after the login merge below). */
  person: string;
  anonymous_id?: string;
  contact_email?: string;
  session_id?: string;
  url?: string;
  referrer?: string;
  ip?: string;
  amount?: number;
  data?: Record<string, string | number | boolean>;
  utm_source?: string;
  timestamp: number;
}

/** Known allocations in the shipped country database (checked when the test was written). */
export const ipCountries: Record<string, string> = {
  '8.8.8.8': 'US',
  '81.2.69.160': 'GB',
  '1.1.1.1': 'AU',
  '193.99.144.80': 'DE',
  '133.242.0.3': 'JP',
  '2a00:1450:4001:82b::200e': 'IE',
};

/** Referrers and the source each must be classified as. */
export const referrerSources: Array<[string | undefined, string]> = [
  ['https://www.google.com/search?q=shoes', 'Google'],
  ['https://www.bing.com/search?q=shoes', 'Bing'],
  ['https://www.facebook.com/', 'Facebook'],
  ['https://blog.example.org/post/1', 'blog.example.org'],
  [undefined, 'Direct / None'],
];

const pages = ['/', '/pricing', '/pricing/team', '/blog/a', '/blog/b', '/signup'];
const day = 86_400_000;
/** 2026-10-20 00:00 UTC: the data spans the end of summer time in Europe (2026-10-25). */
export const seedStart = Date.UTC(2026, 9, 20);
export const seedDays = 21;

export interface Seed {
  events: SeedEvent[];
  /** The anonymous visitor that logs in as `knownEmail` last, merging into that contact. */
  mergingAnonymousId: string;
  knownEmail: string;
}

function sessionEvents(next: () => number, person: string, anonymousId: string, sessionId: string): SeedEvent[] {
  const start = seedStart + Math.floor(next() * seedDays * day);
  const [referrer] = referrerSources[Math.floor(next() * referrerSources.length)]!;
  const ips = Object.keys(ipCountries);
  const ip = ips[Math.floor(next() * ips.length)]!;
  const count = 1 + Math.floor(next() * 4);
  const events: SeedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const page = pages[Math.floor(next() * pages.length)]!;
    const base = { person, anonymous_id: anonymousId, session_id: sessionId, ip, timestamp: start + i * 47_000 };
    const first =
      i === 0 ? { ...(referrer ? { referrer } : {}), ...(next() < 0.2 ? { utm_source: 'newsletter' } : {}) } : {};
    if (i > 0 && next() < 0.15)
      events.push({ ...base, event: 'signup', data: { plan: next() < 0.5 ? 'free' : 'pro' } });
    else if (i > 0 && next() < 0.1)
      events.push({ ...base, event: 'confirmation', amount: 10 + i, data: { order_id: `${sessionId}-${i}` } });
    else events.push({ ...base, ...first, event: 'page_view', url: `https://shop.example${page}?x=${i}` });
  }
  return events;
}

/** 40 anonymous visitors with 1–3 visits each, server-side events without a visit, and one login merge. */
export function makeSeed(seed = 18): Seed {
  const next = random(seed);
  const knownEmail = 'known@example.com';
  const events: SeedEvent[] = [];
  for (let v = 0; v < 40; v++) {
    const anonymousId = `anon-${v}`;
    const person = v === 7 ? knownEmail : anonymousId;
    const visits = 1 + Math.floor(next() * 3);
    for (let s = 0; s < visits; s++) events.push(...sessionEvents(next, person, anonymousId, `s-${v}-${s}`));
  }
  for (let i = 0; i < 5; i++)
    events.push({
      event: 'invoice_paid',
      person: knownEmail,
      contact_email: knownEmail,
      timestamp: seedStart + (i * 3 + 1) * day,
    });
  return { events, mergingAnonymousId: 'anon-7', knownEmail };
}

const localDate = (timeZone: string, ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(ms);

export const pathOf = (url: string) => new URL(url).pathname;

export interface ExpectedVisit {
  events: SeedEvent[];
  first: SeedEvent;
  pageviews: number;
  entry: string | null;
  source: string;
  country: string;
}

/** The visits of the seed's events, each with what the API should derive from it. */
export function visitsOf(events: SeedEvent[]): ExpectedVisit[] {
  const bySession = new Map<string, SeedEvent[]>();
  for (const e of events) if (e.session_id) bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e]);
  return [...bySession.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.timestamp - b.timestamp);
    const first = sorted[0]!;
    const views = sorted.filter((e) => e.event === 'page_view');
    const source = referrerSources.find(([r]) => r === first.referrer)![1];
    return {
      events: sorted,
      first,
      pageviews: views.length,
      entry: views[0] ? pathOf(views[0].url!) : null,
      source: source === 'Direct / None' && first.utm_source ? first.utm_source : source,
      country: ipCountries[first.ip!]!,
    };
  });
}

export function inDays(events: SeedEvent[], timeZone: string, from: string, to: string): SeedEvent[] {
  return events.filter((e) => {
    const date = localDate(timeZone, e.timestamp);
    return date >= from && date <= to;
  });
}

export const localDayOf = localDate;
