import Database from 'better-sqlite3';
import pg from 'pg';
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
  testDb,
  testStore,
} from './support/collector.js';
import { addVisitsTable as addPostgresVisits } from '../src/store/postgres/backfill-visits.js';
import { addVisitsTable as addSqliteVisits } from '../src/store/sqlite/sqlite-visits.js';
import { makeSeed, type SeedEvent } from './support/stats-seed.js';

/**
 * The write-time `visits` table (issue #18) on whichever store this project runs: kept right through a login merge
 * and an erasure, filled by its migration from the events stored before it, and giving the answers the events give.
 */
describe('stats visits table', () => {
  const dir = tempDir();
  const dbPath = `${dir.path}/t.db`;
  const seed = makeSeed(7);
  let c: TestCollector;
  let seededKey: string;
  let seeded: ReturnType<typeof client>;
  let people: ReturnType<typeof client>;
  let peopleKey: string;
  const range = ['2026-10-20', '2026-11-09'];
  const day = ['2026-11-10', '2026-11-10'];
  const at = (minutes: number) => Date.UTC(2026, 10, 10, 12, minutes);

  const sendSeed = async (key: string, events: SeedEvent[]) => {
    for (const ip of new Set(events.map((e) => e.ip!))) {
      const fromIp = events.filter((e) => e.ip === ip);
      for (let i = 0; i < fromIp.length; i += 25) {
        const items = fromIp
          .slice(i, i + 25)
          .map(({ person: _p, ip: _ip, ...e }, j) => ({ id: `${ip}-${i + j}`, ...e }));
        const answer = await beacon(c, { key, events: items }, { 'x-forwarded-for': ip, 'user-agent': humanUserAgent });
        expect(answer.body.results.filter((r: { status: string }) => r.status !== beaconTaken)).toEqual([]);
      }
    }
  };
  const visit = async (anonymousId: string, sessionId: string, minute: number, pages: string[]) => {
    const events = pages.map((page, i) => ({
      id: `${sessionId}-${i}`,
      event: 'page_view',
      anonymous_id: anonymousId,
      session_id: sessionId,
      url: `https://shop.example${page}`,
      timestamp: at(minute + i),
    }));
    expect((await beacon(c, { key: peopleKey, events })).status).toBe(200);
  };
  const login = async (anonymousId: string, email: string) => {
    const event = { id: `login-${anonymousId}`, event: 'login', anonymous_id: anonymousId, data: { email } };
    expect((await beacon(c, { key: peopleKey, events: [{ ...event, timestamp: at(50) }] })).status).toBe(200);
    await settled(c);
  };

  beforeAll(async () => {
    c = await startCollector(dbPath, { TRACKLET_TRUST_PROXY: 'true' });
    const first = await createAccount(c);
    seededKey = first.keys.live;
    seeded = client(c, seededKey);
    await sendSeed(
      first.keys.publishable,
      seed.events.filter((e) => e.anonymous_id),
    );
    const second = await createAccount(c);
    people = client(c, second.keys.live);
    peopleKey = second.keys.publishable;
    await settled(c);
  });
  afterAll(async () => {
    await c.stop();
    dir.remove();
  });

  // An event filter every event passes: it makes the same query read the events instead of `visits`.
  const viaEvents = ['is_not', 'event:name', ['no such event']];
  const metrics = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration', 'views_per_visit'];
  const questions = [
    [],
    ['visit:source'],
    ['visit:country'],
    ['visit:entry_page'],
    ['visit:exit_page'],
    ['visit:device'],
  ];
  const answers = async (api: ReturnType<typeof client>, filters: unknown[] = []) => {
    const all = [];
    for (const dimensions of questions) {
      const answer = await api.post('/v1/stats/query', {
        metrics,
        dimensions,
        filters,
        date_range: range,
        limit: 1000,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      all.push(answer.body.results);
    }
    return all;
  };

  it('gives the same answers from the visits table as from the events on the seed', async () => {
    const fromVisits = await answers(seeded);
    expect(fromVisits[0]![0].metrics[1]).toBeGreaterThan(50);
    expect(await answers(seeded, [viaEvents])).toEqual(fromVisits);
  });

  it('counts a visitor once after a login merges two anonymous visitors, and erases its visits with it', async () => {
    const query = (body: Record<string, unknown>) =>
      people.post('/v1/stats/query', { metrics: ['visitors', 'visits'], date_range: day, ...body });
    await visit('m-a', 'm-a-1', 0, ['/', '/pricing']);
    await visit('m-b', 'm-b-1', 10, ['/blog']);
    await settled(c);
    const bySource = { dimensions: ['visit:source'] };
    expect((await query(bySource)).body.results).toEqual([{ dimensions: ['Direct / None'], metrics: [2, 2] }]);
    await login('m-a', 'merged@example.com');
    await login('m-b', 'merged@example.com');
    expect((await query(bySource)).body.results).toEqual([{ dimensions: ['Direct / None'], metrics: [1, 2] }]);
    expect((await query({ ...bySource, filters: [viaEvents] })).body.results).toEqual([
      { dimensions: ['Direct / None'], metrics: [1, 2] },
    ]);

    const { id } = (await people.get('/v1/contacts?email=merged@example.com')).body;
    expect((await people.delete(`/v1/contacts/${id}`)).status).toBe(200);
    await settled(c);
    expect((await query(bySource)).body.results).toEqual([]);
    expect((await query({ metrics: ['visits'] })).body.results).toEqual([{ dimensions: [], metrics: [0] }]);
  });

  it("takes a visit's source and entry page from its earliest event even when that event is stored last", async () => {
    const send = async (id: string, minute: number, page: string, referrer?: string) => {
      const event = { id, event: 'page_view', anonymous_id: 'late-1', session_id: 'late-s', timestamp: at(minute) };
      const body = { ...event, url: `https://shop.example${page}`, ...(referrer ? { referrer } : {}) };
      expect((await beacon(c, { key: peopleKey, events: [body] })).status).toBe(200);
      await settled(c);
    };
    await send('late-b', 31, '/second');
    await send('late-a', 30, '/first', 'https://www.google.com/search?q=x');
    const answer = await people.post('/v1/stats/query', {
      metrics: ['visits', 'pageviews', 'visit_duration'],
      dimensions: ['visit:source', 'visit:entry_page', 'visit:exit_page'],
      filters: [['is', 'visit:source', ['Google']]],
      date_range: day,
    });
    expect(answer.body.results).toEqual([{ dimensions: ['Google', '/first', '/second'], metrics: [1, 2, 60] }]);
  });

  it('fills the visits from the events stored before its migration ran', async () => {
    const before = await answers(seeded);
    await c.stop();
    await rerunVisitsMigration();
    c = await c.restart();
    seeded = client(c, seededKey);
    expect(await answers(seeded)).toEqual(before);
  });

  /** Drops what the migration made (`visits`, an index) and runs it again (the stopped collector's database holds the events only then). */
  async function rerunVisitsMigration(): Promise<void> {
    if (testStore === 'sqlite') {
      const db = new Database(dbPath);
      db.exec('DROP TABLE visits; DROP INDEX events_without_visit');
      expect(db.prepare('SELECT count(*) AS n FROM events').get()).not.toEqual({ n: 0 });
      db.transaction(() => addSqliteVisits(db))();
      db.close();
      return;
    }
    const db = new pg.Client({ connectionString: await testDb(dbPath) });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('DROP TABLE visits; DROP INDEX events_without_visit');
      await addPostgresVisits(db);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
  }
});
