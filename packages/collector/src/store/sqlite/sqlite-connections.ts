import { accessSync, closeSync, constants, fdatasync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { SqliteReads } from './sqlite-reads.js';
import { SqliteTx } from './sqlite-tx.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * Page cache per role, in KiB. The writer's stays valid across its transactions: 16 MB (8× the default, within the
 * 256 MB RSS budget) keeps more of the events table's indexes on random keys (contact, anonymous id, idempotency
 * key) in memory instead of reading pages back through the OS on almost every insert. A reading connection drops its whole cache at the first read after any commit (the
 * WAL changed), so a big one only costs more to drop: the default 2 MB for listings, and almost none for the
 * auth-version read that every request makes.
 */
const cacheKiB = { writer: 16_384, reader: 2_000, auth: 64 };

function open(path: string, role: 'writer' | 'reader' | 'auth'): Database.Database {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${cacheKiB[role]}`);
  if (role === 'writer') {
    db.pragma('journal_mode = WAL');
    // NORMAL: COMMIT writes the WAL but does not fsync it; the store fdatasyncs the WAL itself, off the event loop,
    // before any unit of the transaction is answered (syncWal). An acknowledged event survives power loss as with
    // FULL, without blocking every request for the fsync. Checkpoints still sync the WAL and the database file.
    db.pragma('synchronous = NORMAL');
    // Checkpoints run on a thread of their own (wal-checkpointer.ts); this is only the writer's safety net.
    db.pragma(`wal_autocheckpoint = ${WalCheckpointer.fallbackPages}`);
    db.pragma('foreign_keys = ON');
  } else {
    db.pragma('query_only = ON');
  }
  return db;
}

const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The store's connections: the writer (behind the group committer), the reader, and one for the auth version alone. SQLite opens a file it may
 * not write read-only without a word, and such connections stay read-only (their shared memory too, for every
 * connection of the process). So after a write failed with SQLITE_READONLY both are opened again, before the next
 * transaction, once the file is writable: the store takes writes again without a restart (issue #7).
 */
export class SqliteConnections {
  writer: SqliteTx;
  reader: Database.Database;
  reads: SqliteReads;
  /** Reads only auth_version, on every request (store/auth-cache.ts). */
  authReads: SqliteReads;
  private readOnly = false;
  /** The WAL file, opened at the first sync; it lives as long as the writer connection. */
  private walFd: number | null = null;
  private readonly checkpointer: WalCheckpointer | null;

  constructor(private readonly path: string) {
    const db = open(path, 'writer');
    migrate(db);
    this.writer = new SqliteTx(db);
    this.reader = path === ':memory:' ? db : open(path, 'reader');
    this.reads = new SqliteReads(this.reader);
    this.authReads = path === ':memory:' ? this.reads : new SqliteReads(open(path, 'auth'));
    this.checkpointer = path === ':memory:' ? null : new WalCheckpointer(path);
  }

  noteFailure(error: unknown): void {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY') && this.path !== ':memory:')
      this.readOnly = true;
  }

  /** The writer for the next transaction, opened again first when it was read-only and the file is writable now. */
  tx(): SqliteTx {
    if (this.readOnly && writable(this.path)) {
      this.closeConnections();
      this.writer = new SqliteTx(open(this.path, 'writer'));
      this.reader = open(this.path, 'reader');
      this.reads = new SqliteReads(this.reader);
      this.authReads = new SqliteReads(open(this.path, 'auth'));
      this.readOnly = false;
    }
    return this.writer;
  }

  /**
   * Makes everything committed so far durable: fdatasync of the WAL, on libuv's thread pool. Linux flushes a file's
   * dirty pages whichever descriptor wrote them, and the WAL is never deleted while the writer is open.
   */
  syncWal(): Promise<void> {
    if (this.path === ':memory:') return Promise.resolve();
    this.walFd ??= openSync(`${this.path}-wal`, 'r');
    const fd = this.walFd;
    return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /** Stops the checkpoint thread, then closes every connection. */
  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.closeConnections();
  }

  private closeConnections(): void {
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
    if (this.authReads !== this.reads) this.authReads.close();
    if (this.reader !== this.writer.db) this.reader.close();
    this.writer.db.close();
  }
}
