import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TrackletError } from '../../errors.js';
import { GroupCommitter, type GroupCommitOptions, type TxRunner } from '../group-commit.js';
import type { Store, StoreTx } from '../store.js';
import { migrate } from './migrations.js';
import { SqliteReads } from './sqlite-reads.js';
import { SqliteTx } from './sqlite-tx.js';

/** SQLite failures that mean the store cannot take writes now (disk full, read-only, locked, I/O). */
const unavailableCodes = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PROTOCOL|NOMEM)/;

function classify(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && unavailableCodes.test(code)) {
    return new TrackletError('store_unavailable', 'the database cannot take writes right now; nothing was stored', { retryAfter: 1 });
  }
  return error;
}

function open(path: string, role: 'writer' | 'reader'): Database.Database {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  if (role === 'writer') {
    db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged event survives power loss (NORMAL would not).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } else {
    db.pragma('query_only = ON');
  }
  return db;
}

function runnerFor(db: Database.Database): TxRunner<SqliteTx> {
  const tx = new SqliteTx(db);
  return {
    begin: async () => { db.exec('BEGIN IMMEDIATE'); return tx; },
    savepoint: async () => { db.exec('SAVEPOINT unit'); },
    release: async () => { db.exec('RELEASE unit'); },
    rollbackToSavepoint: async () => { db.exec('ROLLBACK TO unit; RELEASE unit'); },
    commit: async () => { db.exec('COMMIT'); },
    rollback: async () => { if (db.inTransaction) db.exec('ROLLBACK'); },
    classify,
  };
}

export interface SqliteStoreOptions extends Partial<Omit<GroupCommitOptions, 'onCommit'>> {
  onCommit?: GroupCommitOptions['onCommit'];
}

/** The embedded store: one writer connection behind the group committer, one reader connection. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const writer = open(path, 'writer');
  migrate(writer);
  const reader = path === ':memory:' ? writer : open(path, 'reader');
  const reads = new SqliteReads(reader);
  const committer = new GroupCommitter(runnerFor(writer), {
    maxBatch: options.maxBatch ?? 2000,
    maxQueue: options.maxQueue ?? 20000,
    ...(options.onCommit ? { onCommit: options.onCommit } : {}),
  });
  let closed = false;

  return {
    kind: 'sqlite',
    write: <T>(work: (tx: StoreTx) => Promise<T>) => {
      if (closed) return Promise.reject(new TrackletError('store_unavailable', 'the collector is shutting down', { retryAfter: 1 }));
      return committer.submit(work);
    },
    getEvent: (a, id) => reads.getEvent(a, id),
    listEvents: (a, f, p) => reads.listEvents(a, f, p),
    findEventIdByIdempotencyKey: (a, k) => reads.findEventIdByIdempotencyKey(a, k),
    getContactProfile: (a, id) => reads.getContactProfile(a, id),
    listContacts: (a, f, p) => reads.listContacts(a, f, p),
    listEventSchemas: (a) => reads.listEventSchemas(a),
    getAccount: (id) => reads.getAccount(id),
    countAccounts: () => reads.countAccounts(),
    findKeysByPrefix: (p) => reads.findKeysByPrefix(p),
    maxEventId: () => reads.maxEventId(),
    ping: async () => {
      try {
        reader.prepare('SELECT 1').get();
      } catch (error) {
        throw classify(error);
      }
    },
    close: async () => {
      closed = true;
      await committer.drained();
      if (reader !== writer) reader.close();
      writer.close();
    },
  };
}
