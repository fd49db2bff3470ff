import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsQuery } from '@tracklet/protocol';
import { runStats } from '../src/stats/run-stats.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import {
  beacon,
  createAccount,
  settled,
  startCollector,
  tempDir,
  type TestCollector,
  testDb,
  testStore,
} from './support/collector.js';

/**
 * The stats' rollups of a day that is not over yet (issue #18): its hours that are over are kept by the hour, so a
 * query reads only the last hours from the events; a late write into a kept hour shows in the next answer; once the
 * day is over its one row replaces its hours'. The collector stores the events; the queries run on the same
 * database with a chosen "now" (the day is 2026-11-21, long past), each compared with the same query over the events.
 */
describe('stats rollups of the hours of a day not over yet', () => {
  const dir = tempDir();
  const dbPath = `${dir.path}/t.db`;
  const day = '2026-11-21';
  const at = (hour: number, minute = 0) => Date.UTC(2026, 10, 21, hour, minute);
  const noon = at(12);
  let c: TestCollector;
  let store: Store;
  let key: string;
  let accountId: number;

  const send = async (events: Array<Record<string, unknown>>) => {
    expect((await beacon(c, { key, events })).status).toBe(200);
    await settled(c);
  };
  const pageView = (id: string, visitor: string, timestamp: number, page = '/') => ({
    id,
    event: 'page_view',
    anonymous_id: `anon-${visitor}`,
    session_id: `visit-${visitor}`,
    url: `https://shop.example${page}`,
    timestamp,
  });
  const query = (body: Partial<StatsQuery>): StatsQuery => ({
    metrics: ['visitors', 'visits', 'pageviews'],
    date_range: [day, day],
    timezone: 'UTC',
    dimensions: [],
    filters: [],
    order_by: [],
    limit: 100,
    page: 1,
    ...body,
  });
  /** The answer from the rollups at `now`, after checking it equals the one from the events. */
  const answer = async (body: Partial<StatsQuery>, now = noon) => {
    const reader = { accountId, test: false };
    const fromRollups = await runStats(store, reader, query(body), now);
    const fromEvents = await runStats(store, reader, query(body), now, { rollups: false });
    expect(fromRollups.results).toEqual(fromEvents.results);
    return fromRollups.results.map((r) => [...r.dimensions, ...r.metrics]);
  };
  /** The stored rows of a dimension in a zone: `label built_at`. */
  const stored = async (dim: string, zone = 'UTC') => {
    const [rows = []] = await store.statsRows((d) => [
      {
        text: `SELECT day, built_at FROM stats_rollups WHERE dim = ${d.placeholder(1)} AND zone = ${d.placeholder(2)}
          ORDER BY day`,
        params: [dim, zone],
      },
    ]);
    return rows.map((r) => `${String(r.day)} ${Number(r.built_at)}`);
  };
  const labels = async (dim: string, zone = 'UTC') =>
    (await stored(dim, zone)).map((line) => line.split(' ').slice(0, -1).join(' '));
  const hoursUntil = (end: number) => Array.from({ length: end }, (_, h) => `${day} ${String(h).padStart(2, '0')}`);
  const pages: Partial<StatsQuery> = { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] };

  beforeAll(async () => {
    c = await startCollector(dbPath);
    const account = await createAccount(c);
    accountId = account.id;
    key = account.keys.publishable;
    await send([pageView('a-1', 'a', at(1)), pageView('a-2', 'a', at(1, 10), '/b')]);
    await send([pageView('b-1', 'b', at(3)), pageView('c-1', 'c', at(9, 30), '/b'), pageView('d-1', 'd', at(11))]);
    store = testStore === 'sqlite' ? openSqliteStore(dbPath) : await openPostgresStore(await testDb(dbPath));
  });
  afterAll(async () => {
    await store.close();
    await c.stop();
    dir.remove();
  });

  it('keeps each hour that ended two hours ago once, and reads the hours after it from the events', async () => {
    expect(await answer({})).toEqual([[4, 4, 5]]);
    expect(await answer({ ...pages })).toEqual([
      ['/', 3, 3],
      ['/b', 2, 2],
    ]);
    // At 12:00 the hours 00:00–09:00 are over (ended by 10:00); 10:00 onwards, with d's page view, is read each time.
    expect(await labels('site@hour')).toEqual(hoursUntil(10));
    expect(await labels('event:page@hour')).toEqual(hoursUntil(10));
    const built = await stored('site@hour');
    expect(await answer({ dimensions: ['time:day'] })).toEqual([[day, 4, 4, 5]]);
    expect(await stored('site@hour')).toEqual(built);
  });

  it('counts an event stored late into an hour already kept', async () => {
    await answer({});
    await send([pageView('e-1', 'e', at(2), '/c')]);
    expect(await answer({})).toEqual([[5, 5, 6]]);
    expect(await answer({ ...pages })).toContainEqual(['/c', 1, 1]);
  });

  it('keeps the hours of a zone whose offset is not whole hours by its own local hours', async () => {
    // Asia/Kolkata is UTC+05:30: its 2026-11-21 began at 18:30 UTC the day before, so a's and b's views are on it
    // and 12:00 UTC is 17:30 there: its hours until 15:00 are over.
    expect(await answer({ timezone: 'Asia/Kolkata' })).toEqual([[5, 5, 6]]);
    expect(await labels('site@hour', 'Asia/Kolkata')).toEqual(hoursUntil(15));
  });

  it('replaces the hours of a day with its one row once the day is over', async () => {
    const nextMorning = Date.UTC(2026, 10, 22, 3);
    expect(await answer({}, nextMorning)).toEqual([[5, 5, 6]]);
    expect(await labels('site')).toEqual([day]);
    // The UTC hours went with the UTC day's row; Kolkata's, whose day was not asked for since, are still kept.
    expect(await labels('site@hour')).toEqual([]);
    expect(await labels('site@hour', 'Asia/Kolkata')).toEqual(hoursUntil(15));
    expect(await answer({ timezone: 'Asia/Kolkata' }, nextMorning)).toEqual([[5, 5, 6]]);
    expect(await labels('site', 'Asia/Kolkata')).toEqual([day]);
    expect(await labels('site@hour', 'Asia/Kolkata')).toEqual([]);
  });
});
