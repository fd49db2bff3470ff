import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type CollectorProcess, spawnCollectorProcess } from './collector-process.js';
import { spawnWriterProcess, type WriterProcess } from './writer-process.js';

/** Collector and writer processes of one log-mode deployment (issue #8), as `npm run cluster` runs them. */
export interface ScaleOut {
  collectors: CollectorProcess[];
  writers: WriterProcess[];
  /** The environment every process got (TRACKLET_LOG, TRACKLET_DB, stream, replicas). */
  env: Record<string, string>;
  /** One more writer on the same log and database. */
  addWriter(): Promise<WriterProcess>;
  /** SIGTERM to every process still running. */
  stop(): Promise<void>;
}

export interface ScaleOutOptions {
  /** TRACKLET_LOG: the NATS cluster's URLs. */
  log: string;
  /** TRACKLET_DB: a PostgreSQL database. */
  db: string;
  collectors?: number;
  writers?: number;
  /** More environment for every process (TRACKLET_LOG_REPLICAS, TRACKLET_LOG_WAIT_MS…). */
  env?: Record<string, string>;
}

/**
 * Starts collectors (instance ids 1, 2, …: ids stay unique across them) one after the other — the first one on an
 * empty database creates the demo account — then the writers, on a stream of its own.
 */
export async function startScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  const dir = mkdtempSync(join(tmpdir(), 'tracklet-scale-out-'));
  const env = {
    TRACKLET_LOG: options.log,
    TRACKLET_DB: options.db,
    TRACKLET_LOG_STREAM: `s_${randomBytes(6).toString('hex')}`,
    TRACKLET_DEMO_KEYS: join(dir, 'demo-keys.json'),
    ...options.env,
  };
  const collectors: CollectorProcess[] = [];
  const writers: WriterProcess[] = [];
  const addWriter = async () => {
    const writer = await spawnWriterProcess(env);
    writers.push(writer);
    return writer;
  };
  try {
    for (let i = 0; i < (options.collectors ?? 2); i++) {
      collectors.push(await spawnCollectorProcess({ ...env, TRACKLET_INSTANCE_ID: String(i + 1) }, { quiet: true }));
    }
    for (let i = 0; i < (options.writers ?? 2); i++) await addWriter();
  } catch (error) {
    await Promise.all([...collectors, ...writers].map((p) => p.stop()));
    throw error;
  }
  return {
    collectors,
    writers,
    env,
    addWriter,
    stop: async () => {
      await Promise.all([...collectors, ...writers].map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every stored event's idempotency key and id, straight from PostgreSQL. */
export async function storedKeys(db: string): Promise<{ key: string | null; id: number }[]> {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return (
      await client.query<{ key: string | null; id: string }>('SELECT idempotency_key AS key, id FROM events')
    ).rows.map((r) => ({ key: r.key, id: Number(r.id) }));
  } finally {
    await client.end();
  }
}
