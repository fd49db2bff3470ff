export type SqlRow = Record<string, unknown>;
/** Runs one statement (placeholders `?`) and answers its rows (none for a statement without RETURNING). */
export type RunSql = (sql: string, params?: unknown[]) => Promise<SqlRow[]>;

/**
 * The webhooks' way into the store's database (issue #21): their tables are not the ingestion pipeline's, so they are
 * read and written with plain statements, written once for both stores (`?` placeholders; `dialect` where the SQL
 * differs). Each store adapter implements it on its own connections.
 */
export interface SqlPort {
  readonly dialect: 'sqlite' | 'postgres';
  /** Reads committed data. */
  read: RunSql;
  /**
   * Runs `work` in a transaction of its own, committed durably before it resolves (SQLite: a unit of the writer's
   * group commit, the file's one writer; PostgreSQL: a pooled connection, so claims can lock rows).
   */
  transaction<T>(work: (run: RunSql) => Promise<T>): Promise<T>;
}

/** `?` placeholders as PostgreSQL's `$1, $2…` (the webhooks' SQL has no `?` in literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
