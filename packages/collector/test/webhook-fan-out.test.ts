import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { DeliveryQueue } from '../src/webhooks/delivery-queue.js';
import { tempDir, testDb, testStore } from './support/collector.js';

/**
 * Issue #21: ingest writes one outbox row per event, whatever the number of endpoints; the worker fans it out into
 * the deliveries of the endpoints it is theirs (delivery-queue.ts). Straight on the store, so times can be chosen.
 */
describe('fanning the webhook outbox out into deliveries', () => {
  const dir = tempDir();
  let store: Store;
  let queue: DeliveryQueue;
  const endpoint = async (
    name: string,
    e: { account?: number; events: string[]; created: number; disabledAt?: number },
  ): Promise<[string, number]> => {
    const [row] = await store.webhookSql.transaction((run) =>
      run(
        `INSERT INTO webhook_endpoints (account_id, url, events, description, enabled, secret, created_at, updated_at,
           disabled_at) VALUES (?, 'http://127.0.0.1:9/x', ?, ?, ?, 'sealed', ?, ?, ?) RETURNING id`,
        [
          e.account ?? 1,
          JSON.stringify(e.events),
          name,
          e.disabledAt === undefined ? 1 : 0,
          e.created,
          e.disabledAt ?? e.created,
          e.disabledAt ?? null,
        ],
      ),
    );
    return [name, Number(row!.id)];
  };
  const outbox = (rows: Array<{ event: number; type: string; at: number }>) =>
    store.write((tx) =>
      tx.queueWebhooks(
        rows.map((r) => ({
          account_id: 1,
          contact_id: 7,
          event_id: r.event,
          type: r.type,
          payload: '',
          created_at: r.at,
        })),
      ),
    );
  const deliveries = async (names: Map<number, string>) =>
    (await store.webhookSql.read('SELECT endpoint_id, event_id, status FROM webhook_deliveries ORDER BY id')).map(
      (d) => [names.get(Number(d.endpoint_id)), Number(d.event_id), d.status],
    );

  beforeAll(async () => {
    const path = `${dir.path}/fan-out.db`;
    store = testStore === 'sqlite' ? openSqliteStore(path) : await openPostgresStore(await testDb(path));
    queue = new DeliveryQueue(store.webhookSql);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('gives each row to the endpoints that subscribe, existed and were enabled when it was queued, in its order', async () => {
    const names = new Map(
      (
        await Promise.all([
          endpoint('all', { events: ['*'], created: 100 }),
          endpoint('orders', { events: ['order'], created: 100 }),
          endpoint('later', { events: ['*'], created: 300 }),
          endpoint('off-before', { events: ['*'], created: 100, disabledAt: 150 }),
          endpoint('off-after', { events: ['*'], created: 100, disabledAt: 250 }),
          endpoint('other-account', { account: 2, events: ['*'], created: 100 }),
        ])
      ).map(([name, id]) => [id, name]),
    );
    await outbox([
      { event: 11, type: 'order', at: 200 },
      { event: 12, type: 'visit', at: 200 },
      { event: 13, type: 'order', at: 210 },
    ]);
    expect(await queue.hasOutbox()).toBe(true);
    // The oldest row alone first, as a busy ingest's worker takes them.
    expect(await queue.fanOut(1)).toBe(1);
    expect(await deliveries(names)).toEqual([
      ['all', 11, 'pending'],
      ['orders', 11, 'pending'],
      ['off-after', 11, 'pending'],
    ]);
    expect(await queue.fanOut(1000)).toBe(2);
    expect((await deliveries(names)).slice(3)).toEqual([
      ['all', 12, 'pending'],
      ['off-after', 12, 'pending'],
      ['all', 13, 'pending'],
      ['orders', 13, 'pending'],
      ['off-after', 13, 'pending'],
    ]);
    expect(await queue.hasOutbox()).toBe(false);
    expect(await queue.fanOut(1000)).toBe(0);
  });

  it('counts rows not fanned out yet in the queue depth, once each, from the oldest', async () => {
    await outbox([{ event: 14, type: 'visit', at: 400 }]);
    const depth = await queue.depth();
    // Eight pending deliveries from the first test, and this row.
    expect(depth).toEqual({ pending: 9, oldestCreatedAt: 200 });
  });
});
