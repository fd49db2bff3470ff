type Dialect = 'sqlite' | 'postgres';

/** A UTC day's number (days since 1970-01-01): the unit stale marks name. */
export const DAY_MS = 86_400_000;

/**
 * Issue #18, the stats' daily rollups (stats/rollups.ts): per account, key kind, time zone, dimension and local day,
 * one row: when it was built, the stale marks it saw, and a body with every value's sums and the sorted ids of its
 * distinct visitors (stats/rollup-body.ts), so visitors over many days are counted exactly, as a union, and a 30-day
 * breakdown of 500 pages reads 30 rows, not 15,000. `stats_stale` counts, per UTC day, the writes that changed it
 * after it was over (a late event, a visit that went on, a login merge, an erased contact): a day whose UTC days'
 * counts moved since it was built is built again. Counts, not times: no clock decides what a snapshot saw.
 */
export function rollupsSchemaSql(dialect: Dialect): string {
  const sqlite = dialect === 'sqlite';
  const int = sqlite ? 'INTEGER' : 'BIGINT';
  const bool = sqlite ? 'INTEGER' : 'BOOLEAN';
  return `CREATE TABLE stats_rollups (
     account_id ${int} NOT NULL, test ${bool} NOT NULL, zone TEXT NOT NULL, dim TEXT NOT NULL, day TEXT NOT NULL,
     built_at ${int} NOT NULL, marks ${int} NOT NULL, body ${sqlite ? 'BLOB' : 'BYTEA'} NOT NULL,
     PRIMARY KEY (account_id, test, zone, dim, day));
   CREATE TABLE stats_stale (
     account_id ${int} NOT NULL, test ${bool} NOT NULL, day ${int} NOT NULL, marks ${int} NOT NULL,
     PRIMARY KEY (account_id, test, day))${sqlite ? ' WITHOUT ROWID' : ''};`;
}

/** Marks the UTC days `(account_id, test, day)` that `source` yields once more (each at most once a statement). */
export const staleUpsertSql = (source: string) =>
  `INSERT INTO stats_stale (account_id, test, day, marks) SELECT account_id, test, day, 1 FROM (${source}) m WHERE true
   ON CONFLICT (account_id, test, day) DO UPDATE SET marks = stats_stale.marks + 1`;

/**
 * Before a login merge moves a contact's events and visits, or an erasure deletes them: every day they are on is
 * stale (its visitors change). `$1`-style placeholders are written by `p` (1: account, 2: contact).
 */
export function contactDaysStaleSql(p: (n: number) => string): string {
  // UNION: each day once, so the upsert counts it once.
  return staleUpsertSql(`SELECT account_id, test, occurred_at / ${DAY_MS} AS day FROM events
      WHERE account_id = ${p(1)} AND contact_id = ${p(2)}
    UNION SELECT account_id, test, started_at / ${DAY_MS} FROM visits
      WHERE account_id = ${p(1)} AND contact_id = ${p(2)}`);
}
