import { collectorRequire } from './collector-deps.mjs';
import { migrate } from '../../packages/collector/dist/store/sqlite/migrations.js';
import { backfillSqliteVisits } from '../../packages/collector/dist/store/sqlite/sqlite-visits.js';
import { backfillPostgresVisits } from '../../packages/collector/dist/store/postgres/backfill-visits.js';
import { statsSeed } from './stats-seed.mjs';

const Database = collectorRequire('better-sqlite3');
const pg = collectorRequire('pg');

const columns = [
  'id',
  'account_id',
  'contact_id',
  'anonymous_id',
  'session_id',
  'event',
  'amount',
  'data',
  'url',
  'referrer',
  'test',
  'generated',
  'chain_depth',
  'device_type',
  'browser',
  'os',
  'country',
  'occurred_at',
  'created_at',
  'updated_at',
];
const full = (accountId, r) => ({
  ...r,
  account_id: accountId,
  data: {},
  test: false,
  generated: false,
  chain_depth: 0,
  created_at: r.occurred_at,
  updated_at: r.occurred_at,
});

/** Creates the collector's schema in a new SQLite file and one account in it; returns the account's id. */
export function migrateSqlite(path) {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    migrate(db);
    const now = Date.now();
    return Number(
      db.prepare("INSERT INTO accounts (name, created_at, updated_at) VALUES ('stats', ?, ?)").run(now, now)
        .lastInsertRowid,
    );
  } finally {
    db.close();
  }
}

/** Bulk-loads the stats seed into a migrated SQLite file: secondary indexes dropped, then built again; then visits. */
export function loadSqlite(path, accountId, plan) {
  const db = new Database(path);
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
      .all();
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    const insert = db.prepare(
      `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const many = db.transaction((rows) => {
      for (const r of rows)
        insert.run(columns.map((c) => (c === 'data' ? '{}' : typeof r[c] === 'boolean' ? +r[c] : r[c])));
    });
    let chunk = [];
    for (const visit of statsSeed(plan, (v) => v + 1)) {
      for (const r of visit) chunk.push(full(accountId, r));
      if (chunk.length >= 50_000) many(chunk.splice(0));
    }
    many(chunk);
    for (const { sql } of indexes) db.exec(sql);
    // The visits the collector keeps at write time, from the events loaded (as the migration fills them).
    db.transaction(() => backfillSqliteVisits(db))();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** Bulk-loads the stats seed into a migrated PostgreSQL database, then VACUUM ANALYZE (as autovacuum would). */
export async function loadPostgres(url, accountId, plan) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'");
    const { rows: indexes } = await client.query(`SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = 'events' AND indexname <> 'events_pkey'`);
    for (const { indexname } of indexes) await client.query(`DROP INDEX ${indexname}`);
    const insert = `INSERT INTO events (${columns.join(', ')})
      SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::events, $1)`;
    let batch = [];
    for (const visit of statsSeed(plan, (v) => v + 1)) {
      for (const r of visit) batch.push(full(accountId, r));
      if (batch.length >= 10_000) await client.query(insert, [JSON.stringify(batch.splice(0))]);
    }
    if (batch.length) await client.query(insert, [JSON.stringify(batch)]);
    for (const { indexdef } of indexes) await client.query(indexdef);
    await backfillPostgresVisits(client);
    await client.query('VACUUM ANALYZE events');
    await client.query('VACUUM ANALYZE visits');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}
