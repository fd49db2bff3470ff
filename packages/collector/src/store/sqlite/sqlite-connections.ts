import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { SqliteReads } from './sqlite-reads.js';
import { SqliteTx } from './sqlite-tx.js';

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
 * The store's two connections: the writer (behind the group committer) and the reader. SQLite opens a file it may
 * not write read-only without a word, and such connections stay read-only (their shared memory too, for every
 * connection of the process). So after a write failed with SQLITE_READONLY both are opened again, before the next
 * transaction, once the file is writable: the store takes writes again without a restart (issue #7).
 */
export class SqliteConnections {
  writer: SqliteTx;
  reader: Database.Database;
  reads: SqliteReads;
  private readOnly = false;

  constructor(private readonly path: string) {
    const db = open(path, 'writer');
    migrate(db);
    this.writer = new SqliteTx(db);
    this.reader = path === ':memory:' ? db : open(path, 'reader');
    this.reads = new SqliteReads(this.reader);
  }

  noteFailure(error: unknown): void {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_READONLY') && this.path !== ':memory:') this.readOnly = true;
  }

  /** The writer for the next transaction, opened again first when it was read-only and the file is writable now. */
  tx(): SqliteTx {
    if (this.readOnly && writable(this.path)) {
      this.close();
      this.writer = new SqliteTx(open(this.path, 'writer'));
      this.reader = open(this.path, 'reader');
      this.reads = new SqliteReads(this.reader);
      this.readOnly = false;
    }
    return this.writer;
  }

  close(): void {
    if (this.reader !== this.writer.db) this.reader.close();
    this.writer.db.close();
  }
}
