import { createServer } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { afterAll, describe, expect, it } from 'vitest';
import { call, client, tempDir, testDb } from './support/collector.js';
import { type CollectorProcess, spawnCollectorProcess } from './support/collector-process.js';

/** A loopback port free right now, so the restarted collector listens where the client keeps sending. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Segment batches across a collector restart', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('stores every message exactly once when the collector is killed mid-flush and restarted', async () => {
    const db = await testDb(`${dir.path}/restart.db`);
    const env = { TRACKLET_DB: db, PORT: String(await freePort()) };
    let collector: CollectorProcess = await spawnCollectorProcess(env);
    const { url } = collector;
    const created = await call(`${url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'restart' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    const { live } = created.body.keys;

    const analytics = new Analytics({ writeKey: live, host: url, flushAt: 20, maxRetries: 20, flushInterval: 100 });
    const failures: unknown[] = [];
    analytics.on('error', (error) => failures.push(error));
    let requests = 0;
    analytics.on('http_request', () => requests++);
    // At the first answer the other batches are still in flight: SIGKILL (committed-but-unanswered batches are
    // retried and must come back as duplicates of their messageIds), then the same database on the same port.
    let restarted: Promise<void> | null = null;
    analytics.on('http_response', () => {
      restarted ??= (async () => {
        collector.child.kill('SIGKILL');
        await new Promise((resolve) => collector.child.once('exit', resolve));
        collector = await spawnCollectorProcess(env);
      })();
    });
    try {
      for (let i = 0; i < 500; i++) {
        analytics.track({ userId: `flush-${i % 13}`, event: 'Flush Tick', properties: { i } });
      }
      await analytics.closeAndFlush({ timeout: 90_000 });
      await restarted;
      expect(failures).toEqual([]);
      // The kill cut batches off: the client had to send more requests than the 25 batches.
      expect(requests).toBeGreaterThan(25);

      const api = client({ url }, live);
      const seen = new Map<number, number>();
      for (let page = 1; page <= 6; page++) {
        const answer = await api.get(`/v1/events?event=flush_tick&limit=100&page=${page}`);
        for (const e of answer.body) seen.set(e.data.i, (seen.get(e.data.i) ?? 0) + 1);
      }
      expect(seen.size).toBe(500);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await collector.stop();
    }
  }, 120_000);
});
