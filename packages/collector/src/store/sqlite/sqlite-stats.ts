import type Database from 'better-sqlite3';
import { hostOf, pathOf, type SqlDialect, type SqlQuery } from '../../stats/dialect.js';

/** SQLite's stats SQL: URL parts and regular expressions come from JavaScript functions on the reader connection. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  bool: (value) => (value ? 1 : 0),
  propText: (column, key) =>
    `CASE json_type(${column}, '$.${key}') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ` +
    `ELSE CAST(json_extract(${column}, '$.${key}') AS TEXT) END`,
  host: (expr) => `tracklet_host(${expr})`,
  path: (expr) => `tracklet_path(${expr})`,
  contains: (expr, param) => `instr(${expr}, ${param}) > 0`,
  matches: (expr, param) => `tracklet_matches(${expr}, ${param})`,
  idList: (expr) => `group_concat(DISTINCT ${expr})`,
  bytesOut: (expr) => expr,
  monthStart: (local) => `(CAST(strftime('%s', ${local} / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000)`,
};

const withFunctions = new WeakSet<Database.Database>();
const patterns = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    if (patterns.size > 100) patterns.clear();
    re = new RegExp(pattern);
    patterns.set(pattern, re);
  }
  return re;
}

function addFunctions(db: Database.Database): void {
  if (withFunctions.has(db)) return;
  const options = { deterministic: true };
  db.function('tracklet_host', options, (url: unknown) => hostOf(typeof url === 'string' ? url : null));
  db.function('tracklet_path', options, (url: unknown) => pathOf(typeof url === 'string' ? url : null));
  db.function('tracklet_matches', options, (value: unknown, pattern: unknown) =>
    value === null ? null : compiled(String(pattern)).test(String(value)) ? 1 : 0,
  );
  withFunctions.add(db);
}

/** Runs the stats API's queries on the reader connection (one snapshot: better-sqlite3 runs them back to back). */
export function sqliteStatsRows(
  db: Database.Database,
  build: (dialect: SqlDialect) => SqlQuery[],
): Array<Array<Record<string, unknown>>> {
  addFunctions(db);
  return build(sqliteDialect).map((q) => db.prepare(q.text).all(...q.params) as Array<Record<string, unknown>>);
}

const writeStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Runs the stats' writes inside a unit of the writer's group commit (the rollups' statements are few and fixed). */
export function sqliteStatsWrite(db: Database.Database, build: (dialect: SqlDialect) => SqlQuery[]): void {
  let statements = writeStatements.get(db);
  if (!statements) writeStatements.set(db, (statements = new Map()));
  for (const q of build(sqliteDialect)) {
    let statement = statements.get(q.text);
    if (!statement) statements.set(q.text, (statement = db.prepare(q.text)));
    statement.run(...q.params);
  }
}
