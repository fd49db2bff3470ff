import type Database from 'better-sqlite3';
import type { RunSql, SqlPort, SqlRow } from '../../webhooks/sql-port.js';
import type { GroupCommitter } from '../group-commit.js';
import type { SqliteConnections } from './sqlite-connections.js';
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
