import Database from 'better-sqlite3';
import type { RunSql, SqlPort, SqlRow } from '../../webhooks/sql-port.js';
import type { GroupCommitter } from '../group-commit.js';
import type { SqliteConnections } from './sqlite-connections.js';
import { SqliteReads } from './sqlite-reads.js';
import type { SqliteTx } from './sqlite-tx.js';

function runOn(db: Database.Database, statements: Map<string, Database.Statement>): RunSql {
  return async (sql, params = []) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    if (statement.reader) return statement.all(...params) as SqlRow[];
    statement.run(...params);
    return [];
  };
}

/** The webhooks' SQL on SQLite: reads on the reader connection, transactions as units of the writer's group commit. */
export function sqliteWebhookSql(connections: SqliteConnections, committer: GroupCommitter<SqliteTx>): SqlPort {
  const readStatements = new Map<string, Database.Statement>();
  const writeStatements = new Map<string, Database.Statement>();
  let reader: Database.Database | null = null;
  return {
    dialect: 'sqlite',
    read: (sql, params) => {
      // The reader connection is reopened after a failure (sqlite-connections.ts): its statements go with it.
      if (reader !== connections.reader) {
        readStatements.clear();
        reader = connections.reader;
      }
      return runOn(reader, readStatements)(sql, params);
    },
    transaction: (work) =>
      committer.submit((tx) => {
        if (writeStatements.size > 0 && [...writeStatements.values()][0]?.database !== tx.db) writeStatements.clear();
        return work(runOn(tx.db, writeStatements));
      }),
  };
}

/**
 * A connection of the webhook delivery thread's own (issue #21), for reads only: what is due, the endpoints, and the
 * events and contacts its bodies are built from, none of it on the collector's event loop. Its `transaction` refuses:
 * the thread writes through the collector's writer (worker-calls.ts).
 */
export function sqliteReadConnection(path: string): { db: Database.Database; sql: SqlPort; reads: SqliteReads } {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('query_only = ON');
  return {
    db,
    sql: {
      dialect: 'sqlite',
      read: runOn(db, new Map()),
      transaction: () => Promise.reject(new Error('the webhook thread writes through the collector (worker-calls.ts)')),
    },
    reads: new SqliteReads(db),
  };
}
