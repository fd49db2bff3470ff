type Dialect = 'sqlite' | 'postgres';

/** A UTC day's number (days since 1970-01-01): the unit stale marks name. */
export const DAY_MS = 86_400_000;

/**
 * Issue #18, the stats' daily rollups (stats/rollups.ts): per account, key kind, time zone, dimension and local day,
 * one row per dimension value with the day's sums and the sorted ids of its distinct visitors (so visitors over many
 * days are counted exactly, as a union). `stats_rollup_days` says which days were built and when (a day without
 * events has no rows but is built); `stats_stale` names the UTC days a write changed after they were over (a late
 * event, a visit that went on, a login merge, an erased contact): a day built before its mark is built again.
 */
export function rollupsSchemaSql(dialect: Dialect): string {
  const sqlite = dialect === 'sqlite';
  const int = sqlite ? 'INTEGER' : 'BIGINT';
  const bool = sqlite ? 'INTEGER' : 'BOOLEAN';
  const key = 'account_id, test, zone, dim, day';
  return `CREATE TABLE stats_rollup_days (
     account_id ${int} NOT NULL, test ${bool} NOT NULL, zone TEXT NOT NULL, dim TEXT NOT NULL, day TEXT NOT NULL,
     built_at ${int} NOT NULL, PRIMARY KEY (${key}))${sqlite ? ' WITHOUT ROWID' : ''};
   CREATE TABLE stats_rollups (
     account_id ${int} NOT NULL, test ${bool} NOT NULL, zone TEXT NOT NULL, dim TEXT NOT NULL, day TEXT NOT NULL,
     value TEXT NOT NULL, visitors ${sqlite ? 'BLOB' : 'BYTEA'} NOT NULL, pageviews ${int} NOT NULL,
     events ${int} NOT NULL, revenue ${sqlite ? 'REAL' : 'DOUBLE PRECISION'} NOT NULL, visits ${int} NOT NULL,
     bounces ${int} NOT NULL, duration_ms ${int} NOT NULL, visit_pageviews ${int} NOT NULL,
     PRIMARY KEY (${key}, value));
   CREATE TABLE stats_stale (
     account_id ${int} NOT NULL, test ${bool} NOT NULL, day ${int} NOT NULL, marked_at ${int} NOT NULL,
     PRIMARY KEY (account_id, test, day))${sqlite ? ' WITHOUT ROWID' : ''};`;
}

/** Marks rows `(account_id, test, day, marked_at)` from `source`, the newest mark kept. */
export const staleUpsertSql = (source: string) =>
  `INSERT INTO stats_stale (account_id, test, day, marked_at) ${source}
   ON CONFLICT (account_id, test, day) DO UPDATE SET marked_at = CASE
     WHEN excluded.marked_at > stats_stale.marked_at THEN excluded.marked_at ELSE stats_stale.marked_at END`;

/**
 * Before a login merge moves a contact's events and visits, or an erasure deletes them: every day they are on is
 * stale (its visitors change). `$1`-style placeholders are written by `p` (1: marked_at, 2: account, 3: contact).
 */
export function contactDaysStaleSql(p: (n: number) => string): string {
  const days = `SELECT DISTINCT account_id, test, occurred_at / ${DAY_MS} AS day FROM events
      WHERE account_id = ${p(2)} AND contact_id = ${p(3)}
    UNION SELECT DISTINCT account_id, test, started_at / ${DAY_MS} FROM visits
      WHERE account_id = ${p(2)} AND contact_id = ${p(3)}`;
  // SQLite needs a WHERE before an upsert's ON CONFLICT when the rows come from a SELECT.
  return staleUpsertSql(`SELECT account_id, test, day, CAST(${p(1)} AS BIGINT) FROM (${days}) d WHERE true`);
}
