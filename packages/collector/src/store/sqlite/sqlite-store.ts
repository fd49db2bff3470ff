import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TrackletError } from '../../errors.js';
import { GroupCommitter } from '../group-commit.js';
import { cacheAuthReads } from '../auth-cache.js';
import type { Store, Work } from '../store.js';
import type { GroupCommitOptions, TxRunner } from '../tx-runner.js';
import { SqliteConnections } from './sqlite-connections.js';
import { sqliteStatsRows, sqliteStatsWrite } from './sqlite-stats.js';
import { sqliteWebhookSql } from './sqlite-webhook-sql.js';
import type { SqliteTx } from './sqlite-tx.js';

/** SQLite failures that mean the store cannot take writes now (disk full, read-only, locked, I/O). */
const unavailableCodes = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PROTOCOL|NOMEM)/;

function classify(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && unavailableCodes.test(code)) {
    return new TrackletError('store_unavailable', 'the database cannot take writes right now; nothing was stored', {
      retryAfter: 1,
    });
  }
  return error;
}

function runnerFor(connections: SqliteConnections): TxRunner<SqliteTx> {
  return {
    begin: async () => {
      const tx = connections.tx();
      tx.db.exec('BEGIN IMMEDIATE');
      return tx;
    },
    // What SqliteTx held for this transaction (contacts, anonymous ids) is dropped the moment it ends.
    commit: async (tx) => {
      tx.visits.write();
      tx.db.exec('COMMIT');
      tx.forgetTransactionReads();
    },
    // synchronous=NORMAL leaves the WAL unsynced at COMMIT; the units are answered only after this fdatasync of it,
    // which runs on libuv's thread pool: the event loop keeps serving, and the units that arrive meanwhile form the
    // next transaction.
    durable: () => connections.syncWal(),
    rollback: async (tx) => {
      tx.forgetCachedReads();
      if (tx.db.inTransaction) tx.db.exec('ROLLBACK');
    },
    classify: (error) => {
      connections.noteFailure(error);
      return classify(error);
    },
  };
}

export interface SqliteStoreOptions extends Partial<Omit<GroupCommitOptions, 'onCommit'>> {
  onCommit?: GroupCommitOptions['onCommit'];
}

/** The embedded store: one writer connection behind the group committer, one reader connection (sqlite-connections.ts). */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connections = new SqliteConnections(path);
  const committer = new GroupCommitter(runnerFor(connections), {
    maxBatch: options.maxBatch ?? 2000,
    maxQueue: options.maxQueue ?? 20000,
    // SQLite runs on the event loop: every request waits while a transaction runs.
    maxBatchMs: options.maxBatchMs ?? 8,
    ...(options.onCommit ? { onCommit: options.onCommit } : {}),
  });
  let closed = false;

  return cacheAuthReads({
    kind: 'sqlite',
    // A footprint is for a store that reads ahead: one writer on the event loop has nothing to gain from it.
    write: <T>(work: Work<T>) => {
      if (closed)
        return Promise.reject(
          new TrackletError('store_unavailable', 'the collector is shutting down', { retryAfter: 1 }),
        );
      return committer.submit(typeof work === 'function' ? work : (tx) => work.run(tx));
    },
    getEvent: (a, id) => connections.reads.getEvent(a, id),
    listEvents: (a, f, p) => connections.reads.listEvents(a, f, p),
    findEventIdByIdempotencyKey: (a, k) => connections.reads.findEventIdByIdempotencyKey(a, k),
    findEventByIdempotencyKey: (a, k) => connections.reads.findEventByIdempotencyKey(a, k),
    getEventsByIds: (ids) => connections.reads.getEventsByIds(ids),
    getContactProfile: (a, id) => connections.reads.getContactProfile(a, id),
    listContacts: (a, f, p) => connections.reads.listContacts(a, f, p),
    listEventSchemas: (a) => connections.reads.listEventSchemas(a),
    getAccount: (id) => connections.reads.getAccount(id),
    countAccounts: () => connections.reads.countAccounts(),
    authVersion: () => connections.authReads.authVersion(),
    findKeysByPrefix: (p) => connections.reads.findKeysByPrefix(p),
    listKeys: (id) => connections.reads.listKeys(id),
    maxEventId: () => connections.reads.maxEventId(),
    statsRows: async (build) => sqliteStatsRows(connections.reader, build),
    statsWrite: (build) => committer.submit(async (tx) => sqliteStatsWrite(tx.db, build)),
    webhookSql: sqliteWebhookSql(connections, committer),
    ping: async () => {
      try {
        connections.reader.prepare('SELECT 1').get();
      } catch (error) {
        throw classify(error);
      }
    },
    close: async () => {
      closed = true;
      await committer.drained();
      await connections.close();
    },
  });
}
