import type { Store } from '../store/store.js';
import type { RollupScope } from './rollup-build.js';
import { Params, type SqlDialect, type SqlQuery } from './dialect.js';

/** What is stored of a scope's local days (the marks each saw when built, its rows) and their UTC days' marks. */
export interface StoredRollups {
  days: Map<string, { marks: number; body: Uint8Array }>;
  /** UTC day number → how many times late writes marked it. */
  marks: Map<number, number>;
}

/** Where a dimension's hour rows are kept: beside its day rows, under their own name (`site@hour`). */
export const hoursDim = (dim: string): string => `${dim}@hour`;

const scopeWhere = (s: RollupScope, p: Params, d: SqlDialect, fromKey: string, toKey: string, dim = s.dim) =>
  `account_id = ${p.add(s.accountId)} AND test = ${p.add(d.bool(s.test))} AND zone = ${p.add(s.zone)} ` +
  `AND dim = ${p.add(dim)} AND day >= ${p.add(fromKey)} AND day < ${p.add(toKey)}`;

const n = (v: unknown) => Number(v ?? 0);
const bytesOf = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64') : (v as Uint8Array));

type Rows = Array<Record<string, unknown>>;

/** The queries whose answers are the rows labelled [fromKey, toKey) and the marks of UTC days [firstUtcDay, lastUtcDay]. */
export function rollupReadQueries(
  scope: RollupScope,
  fromKey: string,
  toKey: string,
  utcDays: [number, number],
  d: SqlDialect,
): SqlQuery[] {
  const p = new Params(d);
  const daysQuery = {
    text: `SELECT day, marks, ${d.bytesOut('body')} AS body FROM stats_rollups WHERE ${scopeWhere(scope, p, d, fromKey, toKey)}`,
    params: p.values,
  };
  const q = new Params(d);
  const marksQuery = {
    text: `SELECT day, marks FROM stats_stale WHERE account_id = ${q.add(scope.accountId)}
      AND test = ${q.add(d.bool(scope.test))} AND day >= ${q.add(utcDays[0])} AND day <= ${q.add(utcDays[1])}`,
    params: q.values,
  };
  return [daysQuery, marksQuery];
}

/** What the answers to `rollupReadQueries` (read in one snapshot) say is stored. */
export function storedRollupsOf([days = [], marks = []]: Rows[]): StoredRollups {
  return {
    days: new Map(days.map((r) => [String(r.day), { marks: n(r.marks), body: bytesOf(r.body) }])),
    marks: new Map(marks.map((r) => [n(r.day), n(r.marks)])),
  };
}

/** One row to store: its label, the marks its UTC days had when read before the build, its body (rollup-body.ts). */
export interface BuiltRow {
  key: string;
  marks: number;
  body: Uint8Array;
}

/**
 * Replaces the rollups labelled `rows[0].key` … `rows.at(-1).key` (consecutive local dates, or hours) with `rows`; a
 * day without events is stored with an empty body, built all the same. `alsoClear`: a dimension whose rows of the same
 * labels go too (a day's row replaces its hours', kept while it was not over).
 */
export function writeRollups(
  store: Store,
  scope: RollupScope,
  rows: BuiltRow[],
  alsoClear: string | null,
): Promise<void> {
  const builtAt = Date.now();
  const [first, last] = [rows[0]!.key, `${rows.at(-1)!.key}~`];
  const remove = (d: SqlDialect, dim: string): SqlQuery => {
    const p = new Params(d);
    return { text: `DELETE FROM stats_rollups WHERE ${scopeWhere(scope, p, d, first, last, dim)}`, params: p.values };
  };
  return store.statsWrite((d) => [
    remove(d, scope.dim),
    ...(alsoClear === null ? [] : [remove(d, alsoClear)]),
    ...rows.map(({ key, marks, body }) => ({
      text: `INSERT INTO stats_rollups (account_id, test, zone, dim, day, built_at, marks, body)
        VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => d.placeholder(i)).join(', ')})`,
      params: [scope.accountId, d.bool(scope.test), scope.zone, scope.dim, key, builtAt, marks, body],
    })),
  ]);
}
