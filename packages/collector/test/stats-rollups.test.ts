import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beacon,
  client,
  createAccount,
  settled,
  startCollector,
  tempDir,
  type TestCollector,
  testDb,
  testStore,
} from './support/collector.js';

/**
 * The stats' daily rollups (issue #18) on whichever store this project runs: a day that is over is summed once and
 * kept, and every write that changes a kept day after it was built (a late event, a visit going on, a login merge,
 * an erasure) shows in the next answer, which equals the answer read from the events (a filter every event passes
 * makes the same query skip the rollups).
 */
describe('stats rollups', () => {
  const dir = tempDir();
  const dbPath = `${dir.path}/t.db`;
  let c: TestCollector;
  let api: ReturnType<typeof client>;
  let key: string;
  const day = '2026-11-20';
  const at = (hour: number, minute = 0) => Date.UTC(2026, 10, 20, hour, minute);
  const viaEvents = ['is_not', 'event:name', ['no such event']];

  const send = async (events: Array<Record<string, unknown>>) => {
    expect((await beacon(c, { key, events })).status).toBe(200);
    await settled(c);
  };
  const pageView = (id: string, anonymousId: string, sessionId: string, timestamp: number, page = '/') => ({
    id,
    event: 'page_view',
    anonymous_id: anonymousId,
    session_id: sessionId,
    url: `https://shop.example${page}`,
    timestamp,
  });
  const ask = async (body: Record<string, unknown>) => {
    const answer = await api.post('/v1/stats/query', { date_range: [day, day], timezone: 'UTC', ...body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.results as Array<{ dimensions: string[]; metrics: number[] }>;
  };
  /** The answer from the rollups, after checking it equals the one from the events. */
  const answer = async (body: Record<string, unknown>) => {
    const fromRollups = await ask(body);
    expect(await ask({ ...body, filters: [viaEvents] })).toEqual(fromRollups);
    return fromRollups;
  };
  const metrics = ['visitors', 'visits', 'pageviews', 'visit_duration'];

  /** The rollup days stored in this collector's database, with when each was built. */
  async function stored(): Promise<string[]> {
    const sql = 'SELECT zone, dim, day, built_at FROM stats_rollups ORDER BY zone, dim, day';
    const line = (r: Record<string, unknown>) => `${r.zone} ${r.dim} ${r.day} ${Number(r.built_at)}`;
    if (testStore === 'sqlite') {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare(sql).all() as Array<Record<string, unknown>>).map(line);
      } finally {
        db.close();
      }
    }
    const db = new pg.Client({ connectionString: await testDb(dbPath) });
    await db.connect();
    try {
      return (await db.query(sql)).rows.map(line);
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    c = await startCollector(dbPath);
    const account = await createAccount(c);
    api = client(c, account.keys.live);
    key = account.keys.publishable;
    await send([pageView('a-1', 'anon-a', 'visit-a', at(10)), pageView('a-2', 'anon-a', 'visit-a', at(10, 5), '/b')]);
    await send([pageView('b-1', 'anon-b', 'visit-b', at(11))]);
  });
  afterAll(async () => {
    await c.stop();
    dir.remove();
  });

  it('sums a day that is over once and keeps it, for each dimension and zone asked', async () => {
    expect(await answer({ metrics })).toEqual([{ dimensions: [], metrics: [2, 2, 3, 150] }]);
    expect(await answer({ metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] })).toEqual([
      { dimensions: ['/'], metrics: [2, 2] },
      { dimensions: ['/b'], metrics: [1, 1] },
    ]);
    // One row a day: the site's and event:page's, in UTC; asked again, nothing is built again.
    const built = await stored();
    expect(built.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      `UTC event:page ${day}`,
      `UTC site ${day}`,
    ]);
    await answer({ metrics });
    expect(await stored()).toEqual(built);
    await ask({ metrics: ['visitors'], timezone: 'Asia/Tokyo' });
    expect((await stored()).length).toBe(3);
  });

  it('counts an event stored after its day was summed (a late event)', async () => {
    await answer({ metrics });
    await send([pageView('c-1', 'anon-c', 'visit-c', at(12))]);
    expect(await answer({ metrics })).toEqual([{ dimensions: [], metrics: [3, 3, 4, 100] }]);
  });

  it('moves a visit that goes on today to its longer length on the day it started', async () => {
    const [before] = await answer({ metrics });
    await send([pageView('b-2', 'anon-b', 'visit-b', Date.now(), '/b')]);
    // Site-wide totals count a visit whole on the day it started (README, Stats API), so the page view of today is
    // in this day's: the events of the day alone (the filtered query) do not have it.
    const [after] = await ask({ metrics });
    // The same visitors and visits; one more page view, and visit-b now lasts from 11:00 until now.
    expect(after!.metrics.slice(0, 3)).toEqual([before!.metrics[0], before!.metrics[1], before!.metrics[2]! + 1]);
    expect(after!.metrics[3]).toBeGreaterThan(before!.metrics[3]! * 10);
  });

  it('counts two visitors once after a login merges them, and none after the contact is erased', async () => {
    const visitors = async () => (await answer({ metrics: ['visitors'], dimensions: ['visit:source'] }))[0]!.metrics;
    expect(await visitors()).toEqual([3]);
    const login = (id: string, anonymousId: string) => ({
      id,
      event: 'login',
      anonymous_id: anonymousId,
      data: { email: 'rollup@example.com' },
      timestamp: at(13),
    });
    await send([login('login-a', 'anon-a')]);
    await send([login('login-c', 'anon-c')]);
    expect(await visitors()).toEqual([2]);
    const { id } = (await api.get('/v1/contacts?email=rollup@example.com')).body;
    expect((await api.delete(`/v1/contacts/${id}`)).status).toBe(200);
    await settled(c);
    expect(await visitors()).toEqual([1]);
    expect((await answer({ metrics: ['visitors', 'visits'] }))[0]!.metrics).toEqual([1, 1]);
  });
});
