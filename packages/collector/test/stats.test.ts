import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beacon,
  beaconTaken,
  client,
  createAccount,
  humanUserAgent,
  settled,
  startCollector,
  tempDir,
  type TestCollector,
} from './support/collector.js';
import {
  inDays,
  ipCountries,
  localDayOf,
  makeSeed,
  pathOf,
  type SeedEvent,
  seedDays,
  seedStart,
  visitsOf,
} from './support/stats-seed.js';

/**
 * The stats API on whichever store this project runs (SQLite, PostgreSQL, PostgreSQL in log mode): every expected
 * number is computed from the seed in this file, not by the collector.
 */
describe('stats API', () => {
  const dir = tempDir();
  const seed = makeSeed();
  let c: TestCollector;
  let api: ReturnType<typeof client>;
  const range = ['2026-10-20', '2026-11-09'];
  const query = async (body: Record<string, unknown>) => api.post('/v1/stats/query', { date_range: range, ...body });

  /** Beacons from each seed event's IP (trust-proxy is on), in order, 25 events a beacon. */
  const sendBeacons = async (key: string, events: SeedEvent[], batch: string) => {
    for (const ip of new Set(events.map((e) => e.ip!))) {
      const fromIp = events.filter((e) => e.ip === ip);
      for (let i = 0; i < fromIp.length; i += 25) {
        const items = fromIp
          .slice(i, i + 25)
          .map(({ person: _p, ip: _ip, ...e }, j) => ({ id: `${batch}-${ip}-${i + j}`, ...e }));
        const answer = await beacon(c, { key, events: items }, { 'x-forwarded-for': ip, 'user-agent': humanUserAgent });
        // created, or in log mode accepted (stored once the writer commits: `settled` waits for it).
        expect(answer.body.results.filter((r: { status: string }) => r.status !== beaconTaken)).toEqual([]);
      }
    }
  };

  beforeAll(async () => {
    c = await startCollector(`${dir.path}/t.db`, { TRACKLET_TRUST_PROXY: 'true' });
    const { keys } = await createAccount(c);
    api = client(c, keys.live);
    const browser = seed.events.filter((e) => e.anonymous_id);
    await sendBeacons(
      keys.publishable,
      browser.filter((e) => e.anonymous_id !== seed.mergingAnonymousId),
      'a',
    );
    await sendBeacons(
      keys.publishable,
      browser.filter((e) => e.anonymous_id === seed.mergingAnonymousId),
      'b',
    );
    const server = seed.events.filter((e) => !e.anonymous_id).map(({ person: _p, ...e }) => e);
    expect((await api.post('/v1/events/batch', { events: server })).status).toBe(200);
    await settled(c);
    // The anonymous visitor logs in as a contact that already exists: it is merged, and counts once from then on.
    const login = {
      id: 'login-1',
      event: 'login',
      anonymous_id: seed.mergingAnonymousId,
      data: { email: seed.knownEmail },
    };
    expect(
      (await beacon(c, { key: keys.publishable, events: [{ ...login, timestamp: Date.UTC(2026, 11, 1) }] })).status,
    ).toBe(200);
    await settled(c);
  });
  afterAll(async () => {
    await c.stop();
    dir.remove();
  });

  const all = () => inDays(seed.events, 'UTC', range[0]!, range[1]!);
  const visitors = (events: SeedEvent[]) => new Set(events.map((e) => e.person)).size;

  it('answers the aggregate: visitors (merged contacts once), visits, pageviews, events, bounces, duration', async () => {
    const events = all();
    const visits = visitsOf(events);
    const durations = visits.map((v) => v.events.at(-1)!.timestamp - v.events[0]!.timestamp);
    const metrics = ['visitors', 'visits', 'pageviews', 'events', 'bounce_rate', 'visit_duration', 'views_per_visit'];
    const answer = await query({ metrics });
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      {
        dimensions: [],
        metrics: [
          visitors(events),
          visits.length,
          events.filter((e) => e.event === 'page_view').length,
          events.length,
          Math.round((visits.filter((v) => v.events.length === 1).length / visits.length) * 100),
          Math.round(durations.reduce((a, b) => a + b, 0) / visits.length / 1000),
          Math.round((visits.reduce((a, v) => a + v.pageviews, 0) / visits.length) * 100) / 100,
        ],
      },
    ]);
    expect(visitors(events)).toBeLessThan(new Set(events.map((e) => e.anonymous_id ?? e.contact_email)).size);
  });

  it('gives a daily series in the query time zone, every day present, empty days as zeros', async () => {
    const answer = await query({
      metrics: ['visitors', 'pageviews'],
      dimensions: ['time:day'],
      timezone: 'Europe/Berlin',
    });
    const days: string[] = [];
    for (let t = Date.UTC(2026, 9, 20); t <= Date.UTC(2026, 10, 9); t += 86_400_000)
      days.push(new Date(t).toISOString().slice(0, 10));
    const inBerlin = inDays(seed.events, 'Europe/Berlin', range[0]!, range[1]!);
    const expected = days.map((d) => {
      const events = inBerlin.filter((e) => localDayOf('Europe/Berlin', e.timestamp) === d);
      return { dimensions: [d], metrics: [visitors(events), events.filter((e) => e.event === 'page_view').length] };
    });
    expect(answer.body.results).toEqual(expected);
    expect(answer.body.meta.total_rows).toBe(days.length);
  });

  it('breaks pages down, most viewed first, with a limit', async () => {
    const views = all().filter((e) => e.event === 'page_view');
    const counts = new Map<string, number>();
    for (const e of views) counts.set(pathOf(e.url!), (counts.get(pathOf(e.url!)) ?? 0) + 1);
    const expected = [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([page, n]) => ({ dimensions: [page], metrics: [n] }));
    const answer = await query({ metrics: ['pageviews'], dimensions: ['event:page'], limit: 3 });
    expect(answer.body.results).toEqual(expected);
  });

  it('classifies visit sources from the referrer list and breaks visitors down by country', async () => {
    const visits = visitsOf(all());
    for (const [dimension, key] of [
      ['visit:source', 'source'],
      ['visit:country', 'country'],
    ] as const) {
      const groups = new Map<string, Set<string>>();
      for (const v of visits) groups.set(v[key], (groups.get(v[key]) ?? new Set()).add(v.first.person));
      const answer = await query({ metrics: ['visitors'], dimensions: [dimension], order_by: [[dimension, 'asc']] });
      const expected = [...groups]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([value, people]) => ({ dimensions: [value], metrics: [people.size] }));
      expect(answer.body.results).toEqual(expected);
    }
  });

  it('breaks visits down by entry page with their bounce rate', async () => {
    const visits = visitsOf(all()).filter((v) => v.entry !== null);
    const byEntry = new Map<string, typeof visits>();
    for (const v of visits) byEntry.set(v.entry!, [...(byEntry.get(v.entry!) ?? []), v]);
    const expected = [...byEntry]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([page, list]) => ({
        dimensions: [page],
        metrics: [list.length, Math.round((list.filter((v) => v.events.length === 1).length / list.length) * 100)],
      }));
    const answer = await query({
      metrics: ['visits', 'bounce_rate'],
      dimensions: ['visit:entry_page'],
      order_by: [['visit:entry_page', 'asc']],
    });
    expect(answer.body.results.filter((r: { dimensions: unknown[] }) => r.dimensions[0] !== null)).toEqual(expected);
  });

  it('filters by visit and event dimensions, combined with and / or / not', async () => {
    const visits = visitsOf(all());
    const google = visits.filter((v) => v.source === 'Google');
    const answer = await query({ metrics: ['visits'], filters: [['is', 'visit:source', ['Google']]] });
    expect(answer.body.results[0].metrics).toEqual([google.length]);

    const blogViews = all().filter((e) => e.event === 'page_view' && pathOf(e.url!).startsWith('/blog'));
    const notGb = blogViews.filter((e) => ipCountries[e.ip!] !== 'GB');
    const combined = await query({
      metrics: ['pageviews'],
      filters: [
        [
          'and',
          [
            ['contains', 'event:page', ['/blog']],
            ['not', ['is', 'visit:country', ['GB']]],
          ],
        ],
      ],
    });
    const sessionsCountry = new Map(visits.map((v) => [v.first.session_id, v.country]));
    expect(notGb.every((e) => sessionsCountry.get(e.session_id) === ipCountries[e.ip!])).toBe(true);
    expect(combined.body.results[0].metrics).toEqual([notGb.length]);

    const either = await query({
      metrics: ['events'],
      filters: [
        [
          'or',
          [
            ['is', 'event:name', ['signup']],
            ['matches', 'event:page', ['^/pricing/']],
          ],
        ],
      ],
    });
    const expected = all().filter((e) => e.event === 'signup' || (e.url && /^\/pricing\//.test(pathOf(e.url))));
    expect(either.body.results[0].metrics).toEqual([expected.length]);
  });

  it('gives the conversion rate of an event goal and of a page goal, and revenue', async () => {
    const events = all();
    for (const [goal, converts] of [
      ['signup', (e: SeedEvent) => e.event === 'signup'],
      ['Visit /pricing*', (e: SeedEvent) => e.event === 'page_view' && pathOf(e.url!).startsWith('/pricing')],
    ] as const) {
      const answer = await query({ metrics: ['visitors', 'conversion_rate'], filters: [['is', 'event:goal', [goal]]] });
      const converted = visitors(events.filter(converts));
      const rate = Math.round((converted / visitors(events)) * 10000) / 100;
      expect(answer.body.results[0].metrics).toEqual([converted, rate]);
    }
    const revenue = events.filter((e) => e.event === 'confirmation').reduce((a, e) => a + e.amount!, 0);
    expect((await query({ metrics: ['revenue'] })).body.results[0].metrics).toEqual([revenue]);
  });

  it('gives each group its share of visitors', async () => {
    const events = all();
    const answer = await query({ metrics: ['visitors', 'percentage'], dimensions: ['event:name'] });
    for (const row of answer.body.results) {
      const group = visitors(events.filter((e) => e.event === row.dimensions[0]));
      expect(row.metrics).toEqual([group, Math.round((group / visitors(events)) * 10000) / 100]);
    }
  });

  it('counts the visitors of the last five minutes (receive time)', async () => {
    const answer = await api.get('/v1/stats/realtime');
    expect(answer.body).toEqual({ visitors: visitors(seed.events), window_seconds: 300 });
  });

  it('stores the country looked up from the IP and a truncated IP on the event', async () => {
    const event = (await api.get(`/v1/events?anonymous_id=anon-1&limit=1`)).body[0];
    const sent = seed.events.find((e) => e.anonymous_id === 'anon-1')!;
    expect(event.country).toBe(ipCountries[sent.ip!]);
    expect(event.ip).toBe(sent.ip!.includes(':') ? '2a00:1450:4001::' : sent.ip!.replace(/\.\d+$/, '.0'));
  });

  it('names the field of a bad query in the error', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ metrics: ['visitorz'] }, 'metrics[0]'],
      [{ metrics: ['visitors'], dimensions: ['visit:nope'] }, 'dimensions[0]'],
      [{ metrics: ['visitors'], date_range: ['2026-11-30', '2026-11-01'] }, 'date_range'],
      [{ metrics: ['visitors', 'percentage'] }, 'metrics[1]'],
      [{ metrics: ['conversion_rate'] }, 'metrics[0]'],
      [{ metrics: ['visitors'], limit: 1001 }, 'limit'],
      [{ metrics: ['visitors'], timezone: 'Mars/Olympus' }, 'timezone'],
    ];
    for (const [body, path] of bad) {
      const answer = await query(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors[0].path).toBe(path);
    }
  });

  it('spans the seed', () => {
    expect(seed.events.every((e) => e.timestamp < seedStart + seedDays * 86_400_000)).toBe(true);
  });
});
