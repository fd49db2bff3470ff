import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { isPostgresUrl } from '../store/postgres-url.js';
import { DeliveryQueue } from './delivery-queue.js';
import { EndpointStore } from './endpoint-store.js';
import { IngestLoad } from './ingest-load.js';
import { contactsVia, type PayloadReads } from './payload-reads.js';
import { SecretBox } from './secrets.js';
import type { SqlPort } from './sql-port.js';
import type { WebhookConfig } from './webhook-config.js';
import { remoteStores, type WorkerEndpoints, type WorkerQueue } from './worker-calls.js';
import { WebhookWorker } from './worker.js';

type Outcome = 'delivered' | 'retry' | 'failed';

/**
 * The webhook worker on a thread of its own (TRACKLET_WEBHOOK_THREAD, issue #21), at a lower scheduling priority:
 * the requests, signatures, bodies and answers then cost ingest's event loop nothing, and the OS gives ingest the CPU
 * first (deliveries use what it leaves). On PostgreSQL it has a small pool of its own; on SQLite it reads on a
 * connection of its own (what is due, the endpoints, the events its bodies are built from), and its claims and
 * completions are calls to the collector's thread, which runs them through its one writer (worker-calls.ts).
 */
export interface WorkerThreadData {
  /** TRACKLET_DB: a PostgreSQL URL or a SQLite file. */
  db: string;
  config: WebhookConfig;
  /** The key that opens the signing secrets (the collector's SecretBox). */
  secretsKey: Uint8Array;
  /** The collector's IngestLoad (shared memory): deliveries yield while ingest is busy. */
  load: SharedArrayBuffer;
}

interface ThreadStores {
  queue: WorkerQueue;
  endpoints: WorkerEndpoints;
  payloads: PayloadReads;
  close(): Promise<void>;
}

/** SQLite: reads on a connection of this thread; claims, completions and pruning through the collector's writer. */
async function openSqlite(path: string, port: MessagePort): Promise<ThreadStores> {
  const { sqliteReadConnection } = await import('../store/sqlite/sqlite-webhook-sql.js');
  const { db, sql, reads } = sqliteReadConnection(path);
  const remote = remoteStores(port);
  const local = new DeliveryQueue(sql);
  return {
    queue: { ...remote.queue, hasOutbox: () => local.hasOutbox(), hasDue: (id, now) => local.hasDue(id, now) },
    endpoints: new EndpointStore(sql),
    payloads: { events: (ids) => reads.getEventsByIds(ids), contacts: contactsVia(sql) },
    close: async () => void db.close(),
  };
}

async function openPostgres(url: string): Promise<ThreadStores> {
  const pg = (await import('pg')).default;
  const { pgTypes } = await import('../store/postgres/rows.js');
  const { postgresWebhookSql } = await import('../store/postgres/postgres-webhook-sql.js');
  const { PostgresReads } = await import('../store/postgres/postgres-reads.js');
  const pool = new pg.Pool({ connectionString: url, max: 2, types: pgTypes });
  pool.on('error', () => {});
  const sql: SqlPort = postgresWebhookSql(pool);
  const reads = new PostgresReads(pool);
  return {
    queue: new DeliveryQueue(sql),
    endpoints: new EndpointStore(sql),
    payloads: { events: (ids) => reads.getEventsByIds(ids), contacts: contactsVia(sql) },
    close: () => pool.end(),
  };
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
const { queue, endpoints, payloads, close } = await (isPostgresUrl(db) ? openPostgres(db) : openSqlite(db, port));
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
  payloads,
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
