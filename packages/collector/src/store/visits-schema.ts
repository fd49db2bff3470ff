import { firstEventColumns, visitColumns } from './visit-rows.js';

type Dialect = 'sqlite' | 'postgres';

/**
 * Issue #18: one row per visit (visit-rows.ts), kept at write time, so the stats read visits instead of computing
 * them from the events at query time. The stats read an account's visits by start time (a visit counts in the range
 * its first event is in): SQLite stores the rows in that order (a WITHOUT ROWID table keyed by start time first: a
 * range is one sequential read, 5× faster at 1M events than an index leading to rows stored by session id), with the
 * visit's key unique beside it; PostgreSQL's heap is in insertion order (nearly start time) behind `visits_started`.
 */
export function visitsTableSql(dialect: Dialect): string {
  const sqlite = dialect === 'sqlite';
  const int = sqlite ? 'INTEGER' : 'BIGINT';
  const key = sqlite
    ? 'PRIMARY KEY (account_id, test, started_at, session_id)) WITHOUT ROWID'
    : 'PRIMARY KEY (account_id, test, session_id))';
  const index = sqlite
    ? 'CREATE UNIQUE INDEX visits_session ON visits(account_id, test, session_id)'
    : 'CREATE INDEX visits_started ON visits(account_id, test, started_at)';
  // events_without_visit: the site-wide totals add the events outside any visit (stats/site-totals-sql.ts); only
  // server-API events without a session_id are in it, so tracker events cost nothing more to write.
  return `CREATE TABLE visits (
     account_id ${int} NOT NULL, test ${sqlite ? 'INTEGER' : 'BOOLEAN'} NOT NULL, session_id TEXT NOT NULL,
     contact_id ${int} NOT NULL, started_at ${int} NOT NULL, ended_at ${int} NOT NULL, entry_at ${int}, entry_page TEXT,
     exit_at ${int}, exit_page TEXT, pageviews ${int} NOT NULL, events ${int} NOT NULL,
     revenue ${sqlite ? 'REAL' : 'DOUBLE PRECISION'} NOT NULL, referrer TEXT, source TEXT NOT NULL, utm_source TEXT,
     utm_medium TEXT, utm_campaign TEXT, utm_term TEXT, utm_content TEXT, click_network TEXT, device_type TEXT,
     browser TEXT, os TEXT, country TEXT,
     ${key};
   ${index};
   CREATE INDEX visits_contact ON visits(account_id, contact_id);
   CREATE INDEX events_without_visit ON events(account_id, test, occurred_at) WHERE session_id IS NULL;`;
}

const columnList = visitColumns.join(', ');

/**
 * Adds visit rows (`source` yields them in visitColumns' order) into the stored ones, by mergeVisit's rule
 * (visit-rows.ts). Every SET expression reads the row as it was before this statement, on both stores.
 */
export function visitUpsertSql(source: string, { notEarlier = false } = {}): string {
  const later = 'excluded.started_at < visits.started_at';
  const firstEvent = firstEventColumns.map((c) => `${c} = CASE WHEN ${later} THEN excluded.${c} ELSE visits.${c} END`);
  const entry = 'excluded.entry_at IS NOT NULL AND (visits.entry_at IS NULL OR excluded.entry_at < visits.entry_at)';
  const exit = 'excluded.exit_at IS NOT NULL AND (visits.exit_at IS NULL OR excluded.exit_at >= visits.exit_at)';
  // notEarlier: the common case, events after the visit's first; the start, the key and the first event's columns
  // stay out of SET (SQLite rewrites a WITHOUT ROWID row whose key columns are assigned), and a stored visit that
  // starts later is left alone (no row changes: the caller then runs the full statement).
  const start = notEarlier
    ? ''
    : `${firstEvent.join(', ')},
      started_at = CASE WHEN ${later} THEN excluded.started_at ELSE visits.started_at END,`;
  return `INSERT INTO visits (${columnList}) ${source}
    ON CONFLICT (account_id, test, session_id) DO UPDATE SET ${start}
      ended_at = CASE WHEN excluded.ended_at > visits.ended_at THEN excluded.ended_at ELSE visits.ended_at END,
      entry_at = CASE WHEN ${entry} THEN excluded.entry_at ELSE visits.entry_at END,
      entry_page = CASE WHEN ${entry} THEN excluded.entry_page ELSE visits.entry_page END,
      exit_at = CASE WHEN ${exit} THEN excluded.exit_at ELSE visits.exit_at END,
      exit_page = CASE WHEN ${exit} THEN excluded.exit_page ELSE visits.exit_page END,
      pageviews = visits.pageviews + excluded.pageviews, events = visits.events + excluded.events,
      revenue = visits.revenue + excluded.revenue${notEarlier ? ' WHERE excluded.started_at >= visits.started_at' : ''}`;
}

/** The event columns a visit reads (VisitEvent), for the migration's backfill. */
export const visitEventColumns =
  'id, account_id, test, session_id, contact_id, event, amount, url, referrer, utm_source, utm_medium, utm_campaign, ' +
  'utm_term, utm_content, click_ids, device_type, browser, os, country, occurred_at';
