import { parentPort, workerData } from 'node:worker_threads';
import { DeliveryQueue } from './delivery-queue.js';
import { EndpointStore } from './endpoint-store.js';
import { loadSecretBox } from './secrets.js';
import type { SqlPort } from './sql-port.js';
import type { WebhookConfig } from './webhook-config.js';
import { WebhookWorker } from './worker.js';

/**
 * The webhook worker on a thread of its own (TRACKLET_WEBHOOK_THREAD, PostgreSQL only, issue #21): delivery then
 * costs ingest's event loop nothing but the outbox inserts. It has a small pool of its own. (SQLite is left out: a
 * second writer connection to the file starves, or stalls, the collector's writer.)
 */
async function openSql(db: string): Promise<{ sql: SqlPort; close: () => Promise<void> }> {
  const pg = (await import('pg')).default;
  const { pgTypes } = await import('../store/postgres/rows.js');
  const { postgresWebhookSql } = await import('../store/postgres/postgres-webhook-sql.js');
  const pool = new pg.Pool({ connectionString: db, max: 2, types: pgTypes });
  pool.on('error', () => {});
  return { sql: postgresWebhookSql(pool), close: () => pool.end() };
}

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs as a worker thread');
const { db, config } = workerData as { db: string; config: WebhookConfig };
const { sql, close } = await openSql(db);
const worker = new WebhookWorker({
  endpoints: new EndpointStore(sql),
  queue: new DeliveryQueue(sql),
  box: await loadSecretBox(sql, config.key ? Buffer.from(config.key) : null),
  config,
  clock: Date.now,
  onOutcome: (outcome) => port.postMessage({ outcome }),
  onError: (error) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
});
worker.start();
port.on('message', (message) => {
  if (message !== 'close') return;
  void worker
    .close()
    .then(close)
    .finally(() => port.postMessage({ closed: true }));
});
port.postMessage({ started: true });
