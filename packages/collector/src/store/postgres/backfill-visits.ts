import type pg from 'pg';
import { VisitDeltas, visitColumns } from '../visit-rows.js';
import { visitEventColumns, visitsTableSql, visitUpsertSql } from '../visits-schema.js';
import { eventFromRow, pgTypes, type Row } from './rows.js';

const upsertSql = visitUpsertSql(`SELECT ${visitColumns.join(', ')} FROM json_populate_recordset(NULL::visits, $1)`);

/**
 * The migration's backfill (issue #18): every stored event with a session, in the order they were written (ids grow),
 * added into `visits` by the rule live writes follow (visit-rows.ts), 20,000 events a round so memory stays flat.
 */
export async function backfillPostgresVisits(client: pg.ClientBase): Promise<void> {
  const deltas = new VisitDeltas();
  let last = -1;
  for (;;) {
    const { rows } = await client.query<Row>({
      text: `SELECT ${visitEventColumns} FROM events WHERE session_id IS NOT NULL AND id > $1 ORDER BY id LIMIT 20000`,
      values: [last],
      types: pgTypes,
    });
    if (rows.length === 0) return;
    for (const row of rows) deltas.add(eventFromRow(row));
    await client.query(upsertSql, [JSON.stringify(deltas.take())]);
    last = rows.at(-1)!.id as number;
  }
}

/** The migration (issue #18): the visits table, filled from the events stored before it. */
export async function addVisitsTable(client: pg.ClientBase): Promise<void> {
  await client.query(visitsTableSql('postgres'));
  await backfillPostgresVisits(client);
}
