import pg from 'pg';
import { TrackletError } from '../../errors.js';
import { GroupCommitter } from '../group-commit.js';
import { cacheAuthReads } from '../auth-cache.js';
import type { Footprint, Store, Work } from '../store.js';
import type { GroupCommitOptions, TxRunner } from '../tx-runner.js';
import { migrate } from './migrations.js';
import { classify, isConflict } from './postgres-errors.js';
import { PostgresReads } from './postgres-reads.js';
import { PostgresTx } from './postgres-tx.js';
import { type SchemaCache, TxCache } from './tx-cache.js';
import { WriterConnection } from './writer-connection.js';
import { affinityOf, hashOf, unitOf } from './writer-units.js';
import { postgresStatsRows, postgresStatsWrite } from './postgres-stats.js';
import { postgresWebhookSql } from './postgres-webhook-sql.js';
import { pgTypes } from './rows.js';

function runnerFor(writer: WriterConnection, schemas: SchemaCache): TxRunner<PostgresTx, Footprint[]> {
  return {
    begin: async () => {
      const client = await writer.acquire();
      try {
        if (!writer.begun) await client.query('BEGIN');
        writer.begun = false;
      } catch (error) {
        writer.discard();
        throw error;
      }
      return new PostgresTx(client, new TxCache(schemas));
    },
    // Every unit's locks, idempotency keys, visitors and contacts in one statement before the first unit runs; the
    // units' new contacts, links and events then go as one statement at commit (PostgresTx.flush), pipelined with
    // the COMMIT that carries the next BEGIN: a transaction costs 2 round trips, however many units it holds.
    prepare: async (tx, footprints) => {
      await tx.prepare(footprints.flat());
      tx.holdsLocks = true;
    },
    endUnit: (tx) => tx.flush(),
    commit: async (tx) => {
      // Pipelined: the held-back writes and the COMMIT leave together, one round trip. Each has its own sync point,
      // so a failed write does not stop the COMMIT: PostgreSQL then ends the failed transaction with a rollback, and
      // answers ROLLBACK rather than COMMIT; both are checked. A failed COMMIT skips the BEGIN after it (one simple
      // query stops at its first error).
      const [, results] = await Promise.all([
        tx.flush(),
        tx.client.query('COMMIT; BEGIN') as unknown as Promise<pg.QueryResult[]>,
      ]);
      if (results[0]?.command !== 'COMMIT') throw new Error(`tracklet: COMMIT answered ${results[0]?.command}`);
      writer.begun = true;
      tx.cache.publishSchemas();
    },
    rollback: async (tx) => {
      try {
        writer.begun = false;
        await tx.client.query('ROLLBACK');
      } catch {
        writer.discard();
      }
    },
    classify,
    isConflict,
  };
}

/**
 * A pool of `size` connections. The writers' is pipelined (node-postgres sends a query without waiting for the
 * answer to the one before, each with its own sync point): their commit goes out right behind the writes it commits.
 */
function poolOf(url: string, size: number, pipeline = false): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10_000,
    types: pgTypes,
    pipeline,
  });
  // Idle clients that lose their connection are dropped by the pool; without a listener the error would crash us.
  pool.on('error', () => {});
  return pool;
}

/** The readers' pool on a migrated database; fails (and leaves nothing open) when the server cannot be reached. */
async function connect(url: string, size: number): Promise<pg.Pool> {
  const pool = poolOf(url, size);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return pool;
}

export interface PostgresStoreOptions extends Partial<Omit<GroupCommitOptions, 'onCommit'>> {
  onCommit?: GroupCommitOptions['onCommit'];
  /** Most connections to the server: the writers' plus the readers'. */
  poolSize?: number;
  /**
   * Writer connections, each with its own group transaction (default 2, TRACKLET_PG_WRITERS). Now that a
   * transaction costs the same few round trips however many units it holds, fewer writers with bigger
   * transactions serve more: on 2 cores, 1 writer 1,397 req/s, 2 writers 2,013, 4 writers 1,124.
   */
  writers?: number;
}

/**
 * The PostgreSQL store (TRACKLET_DB=postgres://…): one writer client behind the group committer, reads on the rest
 * of the pool. Several collectors may share the database; what must stay unique across them (idempotency keys,
 * order ids, live identities) is held by unique constraints and by the advisory locks of StoreTx.lockIdentity.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const writerCount = options.writers ?? 2;
  const pool = await connect(url, Math.max(1, (options.poolSize ?? 10) - writerCount));
  const writerPool = poolOf(url, writerCount, true);
  const reads = new PostgresReads(pool);
  // Several writers, each with its own connection and group transaction: a transaction's cost here is round trips,
  // not CPU, so one connection would leave the server idle while it waits. They keep each other correct exactly as
  // collectors sharing the database do (advisory locks, FOR UPDATE, conflict re-runs).
  const writers = Array.from({ length: writerCount }, () => new WriterConnection(writerPool));
  const schemas: SchemaCache = new Map();
  const committers = writers.map(
    (writer) =>
      new GroupCommitter(runnerFor(writer, schemas), {
        maxBatch: options.maxBatch ?? 2000,
        maxQueue: Math.ceil((options.maxQueue ?? 20000) / writers.length),
        // PostgreSQL runs on its own server: a longer transaction holds up no request here, and fewer commits.
        maxBatchMs: options.maxBatchMs ?? 50,
        ...(options.onCommit ? { onCommit: options.onCommit } : {}),
      }),
  );
  /** One visitor's units always go to the same writer, so they never wait on each other's locks. */
  const committerFor = (affinity: string | undefined) => {
    if (affinity !== undefined) return committers[hashOf(affinity) % committers.length] as (typeof committers)[0];
    return committers.reduce((least, c) => (c.pending < least.pending ? c : least));
  };
  let closed = false;

  return cacheAuthReads({
    kind: 'postgres',
    write: <T>(work: Work<T>) => {
      if (closed)
        return Promise.reject(
          new TrackletError('store_unavailable', 'the collector is shutting down', { retryAfter: 1 }),
        );
      const unit = unitOf(work);
      return committerFor(affinityOf(unit.footprint)).submit(unit.run, unit.footprint);
    },
    getEvent: (a, id) => reads.getEvent(a, id),
    listEvents: (a, f, p) => reads.listEvents(a, f, p),
    findEventIdByIdempotencyKey: (a, k) => reads.findEventIdByIdempotencyKey(a, k),
    findEventByIdempotencyKey: (a, k) => reads.findEventByIdempotencyKey(a, k),
    getEventsByIds: (ids) => reads.getEventsByIds(ids),
    getContactProfile: (a, id) => reads.getContactProfile(a, id),
    listContacts: (a, f, p) => reads.listContacts(a, f, p),
    listEventSchemas: (a) => reads.listEventSchemas(a),
    getAccount: (id) => reads.getAccount(id),
    countAccounts: () => reads.countAccounts(),
    statsRows: (build) => postgresStatsRows(pool, build),
    statsWrite: (build) => postgresStatsWrite(pool, build),
    webhookSql: postgresWebhookSql(pool),
    authVersion: () => reads.authVersion(),
    findKeysByPrefix: (p) => reads.findKeysByPrefix(p),
    listKeys: (id) => reads.listKeys(id),
    maxEventId: () => reads.maxEventId(),
    ping: () => reads.ping(),
    close: async () => {
      closed = true;
      await Promise.all(committers.map((c) => c.drained()));
      for (const writer of writers) writer.release();
      await Promise.all([pool.end(), writerPool.end()]);
    },
  });
}
