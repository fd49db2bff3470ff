/**
 * The stats benchmark's data (issue #18): `events` events from events/5 visitors over `days` days ending now, in
 * visits of 1–9 events, with realistic shares of pages (a long tail), sources (search, social, direct), countries,
 * devices and browsers. Deterministic (one seeded generator), so SQLite and PostgreSQL hold the same rows.
 */
function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from [value, weight] pairs. */
function weighted(next, pairs) {
  const total = pairs.reduce((a, [, w]) => a + w, 0);
  let r = next() * total;
  for (const [value, w] of pairs) if ((r -= w) < 0) return value;
  return pairs.at(-1)[0];
}

const referrers = [
  [null, 40],
  ['https://www.google.com/', 30],
  ['https://www.bing.com/', 6],
  ['https://duckduckgo.com/', 4],
  ['https://www.facebook.com/', 6],
  ['https://t.co/abc', 3],
  ['https://www.reddit.com/r/x', 3],
  ['https://news.ycombinator.com/', 2],
  ['https://blog.partner.example/post', 6],
];
const countries = [
  ['US', 30],
  ['DE', 10],
  ['GB', 9],
  ['FR', 7],
  ['IN', 7],
  ['BR', 5],
  ['CA', 4],
  ['JP', 4],
  ['NL', 3],
  ['ES', 3],
  ['IT', 3],
  ['AU', 3],
  ['PL', 2],
  ['SE', 2],
  ['MX', 2],
  [null, 6],
];
const devices = [
  [['desktop', 'Chrome', 'Windows'], 35],
  [['desktop', 'Chrome', 'macOS'], 12],
  [['desktop', 'Firefox', 'Linux'], 4],
  [['desktop', 'Safari', 'macOS'], 8],
  [['mobile', 'Mobile Safari', 'iOS'], 22],
  [['mobile', 'Chrome', 'Android'], 16],
  [['tablet', 'Mobile Safari', 'iOS'], 3],
];
const pageOf = (next) => {
  const r = next();
  if (r < 0.3) return '/';
  if (r < 0.45) return '/pricing';
  if (r < 0.55) return '/signup';
  return `/blog/post-${Math.floor(next() ** 2 * 500)}`;
};

function visitRows(next, ctx, visitor, contactId, start) {
  const [device, browser, os] = weighted(next, devices);
  const referrer = weighted(next, referrers);
  const country = weighted(next, countries);
  const count = 1 + Math.floor(next() ** 2 * 9);
  const rows = [];
  for (let i = 0; i < count; i++) {
    const event = i > 0 && next() < 0.08 ? (next() < 0.3 ? 'confirmation' : 'signup') : 'page_view';
    const at = start + i * Math.floor(20_000 + next() * 90_000);
    rows.push({
      id: ++ctx.id,
      contact_id: contactId,
      anonymous_id: `v-${visitor}`,
      session_id: `s-${visitor}-${start}`,
      event,
      amount: event === 'confirmation' ? Math.round(next() * 20000) / 100 : null,
      url: `https://shop.example${pageOf(next)}`,
      referrer: i === 0 ? referrer : 'https://shop.example/',
      device_type: device,
      browser,
      os,
      country,
      occurred_at: at,
    });
  }
  return rows;
}

/** Every row of the seed, visit after visit, in the order they are drawn (not in time order). */
function* drawnRows({ events, days, now }, contactIdOf) {
  const next = random(18);
  const visitors = Math.max(1, Math.floor(events / 5));
  const span = days * 86_400_000;
  const ctx = { id: 0 };
  let drawn = 0;
  while (drawn < events) {
    const visitor = Math.floor(next() * visitors);
    const start = now - Math.floor(next() * span) - 3_600_000;
    for (const row of visitRows(next, ctx, visitor, contactIdOf(visitor), start)) {
      drawn++;
      yield row;
    }
  }
}

/**
 * Yields the rows in time order, in chunks, with ids that grow with time as the collector's do (ids.ts), so the
 * table is laid out in time as a real one is; `contactIdOf(visitor)` maps a visitor to its contact. Sorting needs
 * the rows of a stretch of time in memory: 10M rows at once took ~5 GB and most of the time in garbage collection,
 * so the seed is drawn again for each stretch of ~1.5M rows and keeps only that stretch's (the same rows, in the same
 * order, with the same ids as one sort of them all).
 */
export function* statsSeed(plan, contactIdOf, stretchRows = 1_500_000) {
  const stretches = Math.max(1, Math.ceil(plan.events / stretchRows));
  const first = plan.now - plan.days * 86_400_000 - 3_600_000;
  const edge = (k) =>
    k === 0 ? -Infinity : k === stretches ? Infinity : first + (k * plan.days * 86_400_000) / stretches;
  let id = 0;
  for (let k = 0; k < stretches; k++) {
    const [from, to] = [edge(k), edge(k + 1)];
    const rows = [];
    for (const row of drawnRows(plan, contactIdOf)) if (row.occurred_at >= from && row.occurred_at < to) rows.push(row);
    rows.sort((a, b) => a.occurred_at - b.occurred_at);
    for (const row of rows) row.id = ++id;
    for (let i = 0; i < rows.length; i += 10_000) yield rows.slice(i, i + 10_000);
  }
}

/** The five questions of the budgets, and their bodies. */
export const statsQueries = [
  ['aggregate', { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], date_range: '30d' }],
  ['time:day', { metrics: ['visitors', 'pageviews'], date_range: '30d', dimensions: ['time:day'] }],
  ['top event:page', { metrics: ['visitors', 'pageviews'], date_range: '30d', dimensions: ['event:page'], limit: 10 }],
  ['top visit:source', { metrics: ['visitors', 'visits'], date_range: '30d', dimensions: ['visit:source'], limit: 10 }],
  ['top visit:country', { metrics: ['visitors'], date_range: '30d', dimensions: ['visit:country'], limit: 10 }],
];
