import type pg from 'pg';
import { type SqlDialect, type SqlQuery, urlHostPattern, urlPathPattern } from '../../stats/dialect.js';

/** PostgreSQL's stats SQL: the same URL rules as SQLite's functions, as regular expressions. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  bool: (value) => value,
  propText: (column, key) => `(${column}->>'${key}')`,
  host: (expr) => `substring(lower(${expr}) from '${urlHostPattern}')`,
  path: (expr) =>
    `(CASE WHEN ${expr} IS NULL THEN NULL ELSE COALESCE(NULLIF(substring(${expr} from '${urlPathPattern}'), ''), '/') END)`,
  contains: (expr, param) => `strpos(${expr}, ${param}) > 0`,
  matches: (expr, param) => `${expr} ~ ${param}`,
  idList: (expr) => `string_agg(DISTINCT ${expr}::text, ',')`,
  bytesOut: (expr) => `encode(${expr}, 'base64')`,
  monthStart: (local) =>
    `(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp(${local} / 1000) AT TIME ZONE 'UTC'))::bigint * 1000)`,
};

/** Runs the stats API's queries in one read-only transaction, so they all see the same snapshot. */
export function postgresStatsRows(
  pool: pg.Pool,
  build: (dialect: SqlDialect) => SqlQuery[],
): Promise<Array<Array<Record<string, unknown>>>> {
  return inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', build);
}

/** Runs the stats' own writes (the rollups) in one transaction. */
export async function postgresStatsWrite(pool: pg.Pool, build: (dialect: SqlDialect) => SqlQuery[]): Promise<void> {
  await inTransaction(pool, 'BEGIN', build);
}

async function inTransaction(
  pool: pg.Pool,
  begin: string,
  build: (dialect: SqlDialect) => SqlQuery[],
): Promise<Array<Array<Record<string, unknown>>>> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const results: Array<Array<Record<string, unknown>>> = [];
    for (const q of build(postgresDialect)) results.push((await client.query(q.text, q.params)).rows);
    await client.query('COMMIT');
    return results;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
