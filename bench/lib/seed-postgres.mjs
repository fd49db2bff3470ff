import { collectorRequire } from './collector-deps.mjs';
import { eventColumns, seedContacts, seedEvents, seedSchemas } from './seed.mjs';

const pg = collectorRequire('pg');

const BATCH = 5000;

/**
 * Loads the seed straight into the collector's PostgreSQL database (migrated by the collector, which is stopped
 * meanwhile): the events table's secondary indexes are dropped, rows go in as multi-row INSERTs (5,000 rows a
 * statement, sent as one JSON array), the very same indexes (pg_indexes.indexdef) are built again, then VACUUM
 * ANALYZE, which autovacuum would do by itself after a million inserts.
 */
export async function seedPostgres(url, accountId, plan) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'");
    const { rows: indexes } = await client.query(`SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename = 'events' AND indexname <> 'events_pkey'`);
    await client.query('BEGIN');
    for (const { indexname } of indexes) await client.query(`DROP INDEX ${indexname}`);

    const contacts = [...seedContacts(plan, accountId)];
    const { rows: inserted } = await client.query(
      `INSERT INTO contacts (account_id, email, email_norm, attributes, created_at, updated_at)
      SELECT $1, email, email, attributes, at, at FROM unnest($2::text[], $3::jsonb[], $4::bigint[]) WITH ORDINALITY AS t(email, attributes, at, n)
      ORDER BY n RETURNING id`,
      [
        accountId,
        contacts.map((c) => c.email),
        contacts.map((c) => JSON.stringify(c.attributes)),
        contacts.map((c) => c.created_at),
      ],
    );
    const contactIds = inserted.map((r) => Number(r.id));
    await client.query(
      `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at)
      SELECT $1, a, c, t FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS u(a, c, t)`,
      [accountId, contacts.map((c) => c.anonymous_id), contactIds, contacts.map((c) => c.created_at)],
    );
    for (const [event, properties] of Object.entries(seedSchemas)) {
      await client.query(
        `INSERT INTO event_schemas (account_id, event, properties, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (account_id, event) DO UPDATE SET properties = excluded.properties`,
        [accountId, event, JSON.stringify(properties), plan.start, plan.end],
      );
    }

    // One JSON document per batch: json_populate_recordset maps each object onto the events row type.
    const insert = `INSERT INTO events (${eventColumns.join(', ')})
      SELECT ${eventColumns.join(', ')} FROM json_populate_recordset(NULL::events, $1)`;
    let batch = [];
    for (const e of seedEvents(plan, accountId, contactIds)) {
      batch.push(e);
      if (batch.length === BATCH) {
        await client.query(insert, [JSON.stringify(batch)]);
        batch = [];
      }
    }
    if (batch.length) await client.query(insert, [JSON.stringify(batch)]);
    for (const { indexdef } of indexes) await client.query(indexdef);
    await client.query('COMMIT');
    for (const table of ['events', 'contacts', 'anonymous_ids']) await client.query(`VACUUM ANALYZE ${table}`);
    // The bulk load's ~1 GB of WAL would otherwise be checkpointed during the first passes (max_wal_size), their
    // commits then waiting behind its writes: the load is the seed's, not the collector's.
    await client.query('CHECKPOINT');
    return { contactIds };
  } finally {
    await client.end();
  }
}
