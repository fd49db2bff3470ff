/** How a stats query counts visitors: distinct contacts, their ids as a list (the rollups'), or not at all. */
export type VisitorsAs = boolean | 'ids';

/** One read-only statement of the stats API, with its positional parameters. */
export interface SqlQuery {
  text: string;
  params: unknown[];
}

/**
 * What differs between the stores' SQL in the stats queries (stats/build-sql.ts writes the rest once). The
 * adapters implement it next to the code that runs the queries (sqlite-stats.ts, postgres-stats.ts).
 */
export interface SqlDialect {
  /** Which store's SQL this is. */
  name: 'sqlite' | 'postgres';
  /** The placeholder of the n-th parameter (1-based). */
  placeholder(n: number): string;
  /** A boolean parameter as the events.test column stores it. */
  bool(value: boolean): unknown;
  /** A `data` property as text (`true`/`false` for booleans); `key` is a validated property name. */
  propText(column: string, key: string): string;
  /** The lower-cased host of a URL without `www.`, or NULL. */
  host(expr: string): string;
  /** The path of a URL (`/` when it has none), or NULL for NULL. */
  path(expr: string): string;
  /** Substring test, case-sensitive. */
  contains(expr: string, param: string): string;
  /** Regular-expression test. */
  matches(expr: string, param: string): string;
  /** The distinct values of an integer column in a group, as text `1,5,3` (the rollups' visitor ids). */
  idList(expr: string): string;
  /** A blob column as the driver reads it fastest: SQLite's as is, PostgreSQL's bytea as base64 text (not hex). */
  bytesOut(expr: string): string;
  /** Local epoch ms (UTC wall clock) truncated to the first of its month. */
  monthStart(localMs: string): string;
}

/** Collects parameters and hands out their placeholders in order. */
export class Params {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: SqlDialect) {}

  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }
}

/** The URL path rule both stores share: SQLite runs it as a function, PostgreSQL as the same regular expression. */
export const urlPathPattern = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)';
/** The host rule: scheme, an optional `www.`, then the host up to a port, path, query or fragment. */
export const urlHostPattern = '^[a-z][a-z0-9+.-]*://(?:www\\.)?([^/?#:]+)';

// Compiled once: every stored visit runs both (store/visit-rows.ts), and SQLite's stats functions call them per row.
const urlPath = new RegExp(urlPathPattern);
const urlHost = new RegExp(urlHostPattern);

export function pathOf(url: string | null): string | null {
  if (url === null) return null;
  return urlPath.exec(url)?.[1] || '/';
}

export function hostOf(url: string | null): string | null {
  if (url === null) return null;
  return urlHost.exec(url.toLowerCase())?.[1] ?? null;
}
