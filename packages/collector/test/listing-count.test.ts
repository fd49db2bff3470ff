import { beforeAll, describe, expect, it } from 'vitest';
import { limits } from '@tracklet/protocol';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import type { EventRecord } from '../src/store/records.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { testDb, testStore } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

/** Rows stored straight through the adapter: posting ten thousand events over HTTP would take most of the run. */
async function storeEvents(dbPath: string, template: EventRecord, count: number): Promise<void> {
  const store = testStore === 'sqlite' ? openSqliteStore(dbPath) : await openPostgresStore(await testDb(dbPath));
  await store.write(async (tx) => {
    for (let i = 1; i <= count; i++)
      await tx.insertEvent({ ...template, id: template.id + i, idempotency_key: null, request_hash: null });
  });
  await store.close();
}

describe('X-Total-Count on large listings', () => {
  const c = useCollector();
  const live = c.live;
  const beyond = limits.maxExactCount + 10;

  beforeAll(async () => {
    const first = await live.post('/v1/events', { event: 'many', contact_email: 'count@example.com' });
    const few = await live.post('/v1/events', { event: 'few', contact_email: 'count@example.com' });
    expect([first.status, few.status]).toEqual([201, 201]);
    await c.stop();
    const stored = first.body;
    await storeEvents(
      c.dbPath,
      {
        ...stored,
        data: {},
        click_ids: null,
        occurred_at: Date.now(),
        created_at: Date.now(),
        updated_at: Date.now(),
        id: few.body.id,
      },
      beyond - 1,
    );
    await c.restart();
  }, 120_000);

  it('counts exactly while the matches are few', async () => {
    const answer = await live.get('/v1/events?event=few');
    expect(answer.headers.get('x-total-count')).toBe('1');
    expect(answer.headers.get('x-total-count-capped')).toBeNull();
    expect(answer.headers.get('link')).toContain('rel="last"');
  });

  it(`stops counting past ${limits.maxExactCount} matches, says so, and still links the next page`, async () => {
    const answer = await live.get('/v1/events?event=many&limit=100');
    expect(answer.status).toBe(200);
    expect(answer.body).toHaveLength(100);
    expect(answer.headers.get('x-total-count')).toBe(String(limits.maxExactCount));
    expect(answer.headers.get('x-total-count-capped')).toBe('true');
    const link = answer.headers.get('link') ?? '';
    expect(link).not.toContain('rel="last"');
    expect(link).toContain('page=2');
  });

  it('counts exactly up to the end of a page asked for beyond the cap', async () => {
    const lastPage = Math.ceil(beyond / 100);
    const answer = await live.get(`/v1/events?event=many&limit=100&page=${lastPage}`);
    expect(answer.body).toHaveLength(beyond - (lastPage - 1) * 100);
    expect(answer.headers.get('x-total-count')).toBe(String(beyond));
    expect(answer.headers.get('x-total-count-capped')).toBeNull();
    expect(answer.headers.get('link')).not.toContain(`page=${lastPage + 1}`);
  });
});
