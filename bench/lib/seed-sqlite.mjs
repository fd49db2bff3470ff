import { collectorRequire } from './collector-deps.mjs';
import { eventColumns, seedContacts, seedEvents, seedSchemas } from './seed.mjs';

const Database = collectorRequire('better-sqlite3');

/**
 * Loads the seed straight into the collector's SQLite file (already migrated by the collector, which is stopped
 * meanwhile): the events table's secondary indexes are dropped, the rows inserted with one prepared statement in
 * large transactions, and the very same indexes (their SQL read from sqlite_master) built again. No ANALYZE: the
 * collector never runs it, so the planner sees what it sees in production.
 */
export function seedSqlite(path, accountId, plan) {
  const db = new Database(path);
  try {
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('temp_store = MEMORY');
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
      .all();
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);

    const insertContact =
      db.prepare(`INSERT INTO contacts (account_id, email, email_norm, attributes, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    const link = db.prepare(
      'INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at) VALUES (?, ?, ?, ?)',
    );
    const contactIds = [];
    db.transaction(() => {
      for (const c of seedContacts(plan, accountId)) {
        const id = Number(
          insertContact.run(c.account_id, c.email, c.email, JSON.stringify(c.attributes), c.created_at, c.updated_at)
            .lastInsertRowid,
        );
        link.run(accountId, c.anonymous_id, id, c.created_at);
        contactIds.push(id);
      }
      const schema = db.prepare(
        'INSERT OR REPLACE INTO event_schemas (account_id, event, properties, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [event, properties] of Object.entries(seedSchemas))
        schema.run(accountId, event, JSON.stringify(properties), plan.start, plan.end);
    })();

    const insert = db.prepare(
      `INSERT INTO events (${eventColumns.join(', ')}) VALUES (${eventColumns.map(() => '?').join(', ')})`,
    );
    const insertMany = db.transaction((rows) => {
      for (const row of rows) insert.run(row);
    });
    let chunk = [];
    for (const e of seedEvents(plan, accountId, contactIds)) {
      chunk.push(
        eventColumns.map((column) => {
          const value = e[column];
          if (column === 'data' || column === 'click_ids') return value === null ? null : JSON.stringify(value);
          return typeof value === 'boolean' ? (value ? 1 : 0) : value;
        }),
      );
      if (chunk.length === 50_000) {
        insertMany(chunk);
        chunk = [];
      }
    }
    if (chunk.length) insertMany(chunk);
    for (const { sql } of indexes) db.exec(sql);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { contactIds };
  } finally {
    db.close();
  }
}
