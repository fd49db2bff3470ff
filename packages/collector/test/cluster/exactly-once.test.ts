import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beacon, call, client, postgresAdminUrl } from '../support/collector.js';
import { natsUrl, settledStream } from '../support/log-mode.js';
import { createDatabase } from '../support/postgres.js';
import { type ScaleOut, startScaleOut, storedKeys } from '../support/scale-out.js';

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await (tasks[i] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

interface Result {
  index: number;
  status: string;
  id?: number;
}

/**
 * Issue #8: two collector processes and two writer processes on a 3-node JetStream cluster (3 replicas) and one
 * PostgreSQL database. 10,000 events with idempotency keys — half through the server API's batches, half as
 * beacons — and half of them sent a second time, at the same moment, through the other collector: exactly 10,000
 * are stored, each once, with the id its answers carried; halfway, one writer stops on SIGTERM (exit 0).
 */
describe('scale-out: exactly once through two collectors and two writers', () => {
  let db: string;
  let scale: ScaleOut;
  let keys: { live: string; publishable: string };

  beforeAll(async () => {
    db = await createDatabase(postgresAdminUrl());
    scale = await startScaleOut({
      log: natsUrl(),
      db,
      env: { TRACKLET_LOG_REPLICAS: '3', TRACKLET_RATE_LIMIT_API: '0', TRACKLET_RATE_LIMIT_BEACONS: '0' },
    });
    const account = await call(`${scale.collectors[0]!.url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'exactly-once' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    keys = account.body.keys;
  }, 60_000);
  afterAll(async () => {
    await scale?.stop();
  });

  it('stores 10,000 events exactly once when half of them are sent twice through different collectors', async () => {
    const total = 10_000;
    const chunk = 250;
    const answered = new Map<string, Set<number>>();
    const note = (eventKeys: string[], results: Result[]) => {
      for (const r of results) {
        if (r.status === 'rejected') throw new Error(`rejected: ${JSON.stringify(r)}`);
        if (r.id !== undefined)
          answered.set(
            eventKeys[r.index] as string,
            (answered.get(eventKeys[r.index] as string) ?? new Set()).add(r.id),
          );
      }
    };
    const send = (via: number, start: number, onlyEven: boolean) => async () => {
      const indexes = Array.from({ length: chunk }, (_, i) => start + i).filter((i) => !onlyEven || i % 2 === 0);
      const eventKeys = indexes.map((i) => `k-${i}`);
      const url = scale.collectors[via]!.url;
      const answer =
        start < total / 2
          ? await client({ url }, keys.live).post('/v1/events/batch', {
              events: indexes.map((i) => ({
                event: 'load',
                contact_email: `u${i >> 2}@example.com`,
                idempotency_key: `k-${i}`,
                data: { i },
              })),
            })
          : await beacon(
              { url },
              {
                key: keys.publishable,
                events: indexes.map((i) => ({
                  id: `k-${i}`,
                  event: 'page_view',
                  anonymous_id: `anon-${i >> 2}`,
                  data: { i },
                })),
              },
            );
      expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
      note(eventKeys, answer.body.results);
    };
    const tasks: (() => Promise<void>)[] = [];
    let stopped: Promise<number | null> | null = null;
    for (let start = 0; start < total; start += chunk) {
      const via = (start / chunk) % 2;
      // The first send and the repeat of its even half go out together, each through its own collector.
      tasks.push(async () => {
        // Halfway, one writer is stopped with SIGTERM under load: it finishes its batch in hand and exits 0.
        if (start === total / 2) stopped = scale.writers[1]!.stop();
        await Promise.all([send(via, start, false)(), send(1 - via, start, true)()]);
      });
    }
    await pool(tasks, 4);
    expect(await stopped).toBe(0);
    await settledStream(natsUrl().split(','), scale.env.TRACKLET_LOG_STREAM as string, 120_000);

    const stored = await storedKeys(db);
    expect(stored).toHaveLength(total);
    const byKey = new Map(stored.map((s) => [s.key, s.id]));
    expect(byKey.size).toBe(total);
    expect(new Set(stored.map((s) => s.id)).size).toBe(total);
    for (let i = 0; i < total; i++) expect(byKey.has(`k-${i}`)).toBe(true);
    // Every id an answer carried is the id that key is stored with (both sends of a repeated event agree).
    for (const [key, ids] of answered) expect([...ids], key).toEqual([byKey.get(key)]);
  }, 180_000);
});
