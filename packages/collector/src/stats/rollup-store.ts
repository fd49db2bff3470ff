import type { Store } from '../store/store.js';
import type { RollupRow, RollupScope } from './rollup-build.js';
import { Params, type SqlDialect, type SqlQuery } from './dialect.js';
import { decodeIds, encodeIds } from './visitor-ids.js';

/** What is stored of a scope's local days [fromDate, toDate): when each was built, the stale marks, the rows. */
export interface StoredRollups {
  builtAt: Map<string, number>;
  /** UTC day number → when a late write last marked it. */
  marks: Map<number, number>;
  rows: RollupRow[];
}

const scopeWhere = (s: RollupScope, p: Params, d: SqlDialect, fromDate: string, toDate: string) =>
  `account_id = ${p.add(s.accountId)} AND test = ${p.add(d.bool(s.test))} AND zone = ${p.add(s.zone)} ` +
  `AND dim = ${p.add(s.dim)} AND day >= ${p.add(fromDate)} AND day < ${p.add(toDate)}`;

function select(d: SqlDialect, columns: string, table: string, s: RollupScope, from: string, to: string): SqlQuery {
  const p = new Params(d);
  return { text: `SELECT ${columns} FROM ${table} WHERE ${scopeWhere(s, p, d, from, to)}`, params: p.values };
}

const n = (v: unknown) => Number(v ?? 0);

/** One snapshot: the days' build times, the UTC days' marks [firstUtcDay, lastUtcDay], the rows. */
export async function readRollups(
  store: Store,
  scope: RollupScope,
  fromDate: string,
  toDate: string,
  utcDays: [number, number],
): Promise<StoredRollups> {
  const [days = [], marks = [], rows = []] = await store.statsRows((d) => {
    const p = new Params(d);
    const marksQuery = {
      text: `SELECT day, marked_at FROM stats_stale WHERE account_id = ${p.add(scope.accountId)}
        AND test = ${p.add(d.bool(scope.test))} AND day >= ${p.add(utcDays[0])} AND day <= ${p.add(utcDays[1])}`,
      params: p.values,
    };
    return [
      select(d, 'day, built_at', 'stats_rollup_days', scope, fromDate, toDate),
      marksQuery,
      select(
        d,
        'day, value, visitors, pageviews, events, revenue, visits, bounces, duration_ms, visit_pageviews',
        'stats_rollups',
        scope,
        fromDate,
        toDate,
      ),
    ];
  });
  return {
    builtAt: new Map(days.map((r) => [String(r.day), n(r.built_at)])),
    marks: new Map(marks.map((r) => [n(r.day), n(r.marked_at)])),
    rows: rows.map((r) => ({
      day: String(r.day),
      value: JSON.parse(String(r.value)) as string | null,
      visitors: decodeIds(r.visitors),
      pageviews: n(r.pageviews),
      events: n(r.events),
      revenue: n(r.revenue),
      visits: n(r.visits),
      bounces: n(r.bounces),
      durationMs: n(r.duration_ms),
      visitPageviews: n(r.visit_pageviews),
    })),
  };
}

const rowColumns =
  'account_id, test, zone, dim, day, value, visitors, pageviews, events, revenue, visits, bounces, duration_ms, ' +
  'visit_pageviews';

const rowValues = (s: RollupScope, d: SqlDialect, r: RollupRow) => [
  s.accountId,
  d.bool(s.test),
  s.zone,
  s.dim,
  r.day,
  JSON.stringify(r.value),
  encodeIds(r.visitors),
  r.pageviews,
  r.events,
  r.revenue,
  r.visits,
  r.bounces,
  r.durationMs,
  r.visitPageviews,
];

const sqliteInsert = `INSERT INTO stats_rollups (${rowColumns}) VALUES (${rowColumns.replace(/\w+/g, '?')})`;

/** PostgreSQL takes every row in one statement (bytea as `\x…` hex text in the JSON). */
function postgresInsert(s: RollupScope, rows: RollupRow[]): SqlQuery {
  const json = rows.map((r) => {
    const values = rowValues(s, { bool: (b: boolean) => b } as SqlDialect, r);
    const record = Object.fromEntries(rowColumns.split(', ').map((c, i) => [c, values[i]]));
    return { ...record, visitors: `\\x${(record.visitors as Buffer).toString('hex')}` };
  });
  return {
    text: `INSERT INTO stats_rollups (${rowColumns}) SELECT ${rowColumns}
      FROM json_populate_recordset(NULL::stats_rollups, $1)`,
    params: [JSON.stringify(json)],
  };
}

/**
 * Replaces the rollups of the local days [fromDate, toDate) with `rows`, every day of the span marked built at
 * `builtAt` (a day without events has no rows, and is built all the same).
 */
export function writeRollups(
  store: Store,
  scope: RollupScope,
  fromDate: string,
  days: string[],
  toDate: string,
  rows: RollupRow[],
  builtAt: number,
): Promise<void> {
  return store.statsWrite((d) => {
    const deletes = ['stats_rollups', 'stats_rollup_days'].map((table) => {
      const p = new Params(d);
      return { text: `DELETE FROM ${table} WHERE ${scopeWhere(scope, p, d, fromDate, toDate)}`, params: p.values };
    });
    const built =
      d.name === 'postgres'
        ? [
            {
              text: `INSERT INTO stats_rollup_days (account_id, test, zone, dim, day, built_at)
                SELECT $1, $2, $3, $4, day, $6 FROM unnest($5::text[]) AS day`,
              params: [scope.accountId, scope.test, scope.zone, scope.dim, days, builtAt],
            },
          ]
        : days.map((day) => ({
            text: 'INSERT INTO stats_rollup_days (account_id, test, zone, dim, day, built_at) VALUES (?, ?, ?, ?, ?, ?)',
            params: [scope.accountId, d.bool(scope.test), scope.zone, scope.dim, day, builtAt],
          }));
    const inserts =
      d.name === 'postgres'
        ? rows.slice(0, 1).map(() => postgresInsert(scope, rows))
        : rows.map((r) => ({ text: sqliteInsert, params: rowValues(scope, d, r) }));
    return [...deletes, ...inserts, ...built];
  });
}
