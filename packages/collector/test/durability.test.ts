import { afterAll, describe, expect, it } from 'vitest';
import { call, client, createAccount, startCollector, tempDir, testDb } from './support/collector.js';
import { spawnCollectorProcess } from './support/collector-process.js';

/** The built collector as a real process, so it can be killed with SIGKILL; on the test store (SQLite file or PostgreSQL). */
async function spawnCollector(db: string) {
  return spawnCollectorProcess({ TRACKLET_DB: await testDb(db), TRACKLET_DEMO_KEYS: `${db}.demo-keys.json` });
}

describe('durability', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('keeps every acknowledged event across a restart on the same file, and ids keep growing', async () => {
    const db = `${dir.path}/restart.db`;
    const first = await startCollector(db);
    const { keys } = await createAccount(first);
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        client(first, keys.live).post('/v1/events', {
          event: 'tick',
          contact_email: `u${i % 7}@example.com`,
          data: { i },
        }),
      ),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const second = await first.restart();
    try {
      const api = client(second, keys.live);
      const total = (await api.get('/v1/events?limit=1')).headers.get('x-total-count');
      expect(total).toBe('120');
      const maxBefore = Math.max(...answers.map((a) => a.body.id));
      const after = await api.post('/v1/events', { event: 'tick', contact_email: 'u1@example.com', data: { i: 999 } });
      expect(after.body.id).toBeGreaterThan(maxBefore);
    } finally {
      await second.stop();
    }
  });

  it('keeps every acknowledged event when the process is killed with SIGKILL right after the answers', async () => {
    const db = `${dir.path}/kill.db`;
    const { child, url } = await spawnCollector(db);
    const adminAnswer = await call(`${url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'kill' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    const keys = adminAnswer.body.keys;
    const acked: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = 0; i < 20; i++) {
          const answer = await client({ url }, keys.live).post('/v1/events', {
            event: 'tick',
            contact_email: `w${worker}@example.com`,
            data: { i },
          });
          if (answer.status === 201) acked.push(answer.body.id);
        }
      }),
    );
    // The process as npm start runs it feeds the commit metrics too (it once opened its store without them).
    const metrics = (await call(`${url}/metrics`)).body as string;
    expect(Number(/^tracklet_store_commit_seconds_count (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(acked).toHaveLength(200);

    const reopened = await startCollector(db);
    try {
      const api = client(reopened, keys.live);
      const stored = new Set<number>();
      for (let page = 1; page <= 2; page++) {
        for (const e of (await api.get(`/v1/events?limit=100&page=${page}`)).body) stored.add(e.id);
      }
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
      expect(stored.size).toBe(200);
    } finally {
      await reopened.stop();
    }
  });
});
