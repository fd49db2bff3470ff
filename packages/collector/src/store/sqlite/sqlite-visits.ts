import type Database from 'better-sqlite3';
import { VisitDeltas, visitColumns, type VisitRow } from '../visit-rows.js';
import { visitEventColumns, visitsTableSql, visitUpsertSql } from '../visits-schema.js';
import { eventFromRow } from './rows.js';
import { staleUpsertSql } from '../rollups-schema.js';
import { StaleDays } from '../stale-days.js';

const values = `VALUES (${visitColumns.map(() => '?').join(', ')})`;
const upsertSql = visitUpsertSql(values);
const upsertLaterSql = `${visitUpsertSql(values, { notEarlier: true })} RETURNING started_at`;
const markStaleSql = staleUpsertSql('SELECT ? AS account_id, ? AS test, ? AS day');
const params = (row: VisitRow) => visitColumns.map((c) => (c === 'test' ? (row.test ? 1 : 0) : row[c]));

/**
 * The visits the events of one SQLite transaction add to (issue #18): held in memory while it runs, so a visit whose
 * 20 events arrive together is written once, and upserted before COMMIT (sqlite-store.ts). SqliteTx writes them
 * earlier where a statement moves or deletes visits, and forgets them on every rollback. With `stale` (live writes,
 * not the migration's backfill) it also marks the days that late events and visits going on from an earlier day
 * change, for the stats' rollups (stale-days.ts).
 */
export class SqliteVisits {
  private readonly deltas = new VisitDeltas();
  private statements: { later: Database.Statement; any: Database.Statement; stale: Database.Statement } | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly stale?: StaleDays,
  ) {}

  add(e: Parameters<VisitDeltas['add']>[0]): void {
    this.deltas.add(e);
    this.stale?.note(e.account_id, e.test, e.occurred_at, true);
  }

  write(): void {
    if (this.deltas.size === 0 && !this.stale?.size) return;
    this.statements ??= {
      later: this.db.prepare(upsertLaterSql),
      any: this.db.prepare(upsertSql),
      stale: this.db.prepare(markStaleSql),
    };
    const now = Date.now();
    for (const row of this.deltas.take()) {
      // Most events come after their visit's first: then one statement that leaves the row's key alone.
      const stored = this.statements.later.get(params(row)) as { started_at: number } | undefined;
      if (!stored) this.statements.any.run(params(row));
      else this.stale?.note(row.account_id, row.test, stored.started_at, false, now);
    }
    for (const d of this.stale?.take() ?? []) this.statements.stale.run(d.account_id, d.test ? 1 : 0, d.day);
  }

  forget(): void {
    this.deltas.clear();
    this.stale?.clear();
  }
}

/**
 * The migration's backfill: every stored event with a session, in the order they were written (ids grow), added
 * into `visits` by the same rule as live writes, 20,000 events a round so memory stays flat.
 */
export function backfillSqliteVisits(db: Database.Database): void {
  const visits = new SqliteVisits(db);
  const page = db.prepare(
    `SELECT ${visitEventColumns} FROM events WHERE session_id IS NOT NULL AND id > ? ORDER BY id LIMIT 20000`,
  );
  let last = -1;
  for (;;) {
    const rows = page.all(last) as Array<Record<string, unknown>>;
    if (rows.length === 0) break;
    for (const row of rows) visits.add(eventFromRow(row));
    visits.write();
    last = rows.at(-1)!.id as number;
  }
}

/** The migration (issue #18): the visits table, filled from the events stored before it. */
export function addVisitsTable(db: Database.Database): void {
  db.exec(visitsTableSql('sqlite'));
  backfillSqliteVisits(db);
}
