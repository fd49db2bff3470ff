import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { DeliveryQueue } from './delivery-queue.js';
import { EndpointStore } from './endpoint-store.js';
import { IngestLoad } from './ingest-load.js';
import { SecretBox } from './secrets.js';
import type { SqlPort } from './sql-port.js';
import type { WebhookConfig } from './webhook-config.js';
import { remoteStores, type WorkerEndpoints, type WorkerQueue } from './worker-calls.js';
import { WebhookWorker } from './worker.js';

type Outcome = 'delivered' | 'retry' | 'failed';

/**
 * The webhook worker on a thread of its own (TRACKLET_WEBHOOK_THREAD, issue #21), at a lower scheduling priority:
 * the requests, signatures and answers then cost ingest's event loop nothing, and the OS gives ingest the CPU first
 * (deliveries use what it leaves). On PostgreSQL it has a small pool of its own; on SQLite its claims and completions
 * are calls to the collector's thread, which runs them through its one writer (worker-calls.ts).
 */
export interface WorkerThreadData {
  /** TRACKLET_DB when the thread connects itself (PostgreSQL); null: it calls the collector's thread. */
  db: string | null;
  config: WebhookConfig;
  /** The key that opens the signing secrets (the collector's SecretBox). */
  secretsKey: Uint8Array;
  /** The collector's IngestLoad (shared memory): deliveries yield while ingest is busy. */
  load: SharedArrayBuffer;
}

async function openStores(db: string | null, port: MessagePort) {
  if (db === null) return { ...remoteStores(port), close: async () => {} };
  const pg = (await import('pg')).default;
  const { pgTypes } = await import('../store/postgres/rows.js');
  const { postgresWebhookSql } = await import('../store/postgres/postgres-webhook-sql.js');
  const pool = new pg.Pool({ connectionString: db, max: 2, types: pgTypes });
  pool.on('error', () => {});
  const sql: SqlPort = postgresWebhookSql(pool);
  const stores: { queue: WorkerQueue; endpoints: WorkerEndpoints } = {
    queue: new DeliveryQueue(sql),
    endpoints: new EndpointStore(sql),
  };
  return { ...stores, close: () => pool.end() };
}

/**
 * Raises this thread's nice value (Linux: a thread's nice is its own, set through its tid as setpriority(2) allows);
 * elsewhere the thread keeps the process's priority.
 */
function lowerPriority(nice: number): string | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(tid, nice);
    return null;
  } catch (error) {
    return `webhook thread priority unchanged: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs as a worker thread');
const { db, config, secretsKey, load } = workerData as WorkerThreadData;
const ingestLoad = new IngestLoad(load);
const unchanged = config.nice > 0 ? lowerPriority(config.nice) : null;
if (unchanged) port.postMessage({ error: unchanged });
const { queue, endpoints, close } = await openStores(db, port);
// Outcomes go to the collector's metrics in counts, a few times a second: a message per delivery cost the thread
// a seventh of its CPU.
let outcomes: Partial<Record<Outcome, number>> = {};
const postOutcomes = () => {
  if (Object.keys(outcomes).length > 0) port.postMessage({ outcomes });
  outcomes = {};
};
setInterval(postOutcomes, 250).unref();
const worker = new WebhookWorker({
  endpoints,
  queue,
  box: new SecretBox(Buffer.from(secretsKey)),
  config,
  clock: Date.now,
  ingestLoad: () => ingestLoad.utilization(),
  onOutcome: (outcome) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
  onError: (error) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
});
worker.start();
port.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'wake' in message) worker.wake(message.wake as number[]);
  if (message !== 'close') return;
  void worker
    .close()
    .then(close)
    .finally(() => {
      postOutcomes();
      port.postMessage({ closed: true });
    });
});
port.postMessage({ started: true });
