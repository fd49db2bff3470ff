import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { eventListingSql, eventWhere as pgWhere } from '../../packages/collector/dist/store/postgres/postgres-reads.js';
import { eventWhere as sqliteWhere } from '../../packages/collector/dist/store/sqlite/sqlite-reads.js';
import { createBenchAccount, startCollector } from '../lib/collector.mjs';
import { collectorRequire } from '../lib/collector-deps.mjs';
import { postgresFixture } from '../lib/postgres.mjs';
import { eventColumns, seedEventNames, seedEvents, seedPlan } from '../lib/seed.mjs';
import { seedPostgres } from '../lib/seed-postgres.mjs';
import { seedSqlite } from '../lib/seed-sqlite.mjs';

export const description =
  'the listing queries on the seeded stores (+ what the write passes add): plans and timings (add `quick`)';

/**
 * Why a filtered listing is slow: each listing's page query and capped count, as the stores build them (PostgreSQL:
 * eventListingSql from dist; SQLite: its eventWhere from dist, the SELECT around it mirrors sqlite-reads.ts
 * listEvents), timed on the seeded store with its plan. Before the listings, the real bench runs its write passes,
 * which append ~115,000 events (at 1,000,000 seeded) of other names than most of the seed's: beacons (3 of 4
 * page_view, 1 of 4 add_to_cart), then POST /v1/events (signup, invoice_paid). This appends the same share of such
 * rows, not analyzed, so the newest ids hold no checkout or newsletter_open at all, as in the bench. For PostgreSQL,
 * it also times the plain `SELECT * … ORDER BY id DESC LIMIT 50` that the store ran before its late row lookup.
 */
const WRITTEN_SHARE = 0.115;

function cases(plan, contactId) {
  const after = plan.end - 2 * 86_400_000;
  return [
    ...seedEventNames.map((event) => ({ name: `event=${event}`, filter: { event } })),
    { name: `contact_id=${contactId}`, filter: { contact_id: contactId } },
    { name: 'created_after=2 days ago', filter: { created_after: after } },
  ];
}

/** What the write passes append: the seed's row shape, in the last ten minutes, with the load scenarios' names. */
function* writePassEvents(scale, accountId, contactIds) {
  const count = Math.round(scale * WRITTEN_SHARE);
  const beacons = Math.round(count * 0.96);
  const now = Date.now();
  const plan = { events: count, contacts: contactIds.length, start: now - 600_000, end: now };
  let i = 0;
  for (const e of seedEvents(plan, accountId, contactIds)) {
    const event = i < beacons ? (i % 4 === 3 ? 'add_to_cart' : 'page_view') : i % 3 === 0 ? 'signup' : 'invoice_paid';
    yield { ...e, event, idempotency_key: `write-pass-${i}`, amount: null, data: { n: i } };
    i++;
  }
}

async function timed(fn, runs = 7) {
  await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function appendSqlite(db, rows) {
  const insert = db.prepare(
    `INSERT INTO events (${eventColumns.join(', ')}) VALUES (${eventColumns.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    for (const e of rows) {
      insert.run(
        eventColumns.map((column) => {
          const value = e[column];
          if (column === 'data' || column === 'click_ids') return value === null ? null : JSON.stringify(value);
          return typeof value === 'boolean' ? (value ? 1 : 0) : value;
        }),
      );
    }
  })();
}

async function explainSqlite(scale, out) {
  const workDir = mkdtempSync(join(os.tmpdir(), 'tracklet-explain-'));
  try {
    const db = join(workDir, 'tracklet.db');
    const setup = await startCollector({ db, workDir });
    const account = await createBenchAccount(setup.url).finally(() => setup.stop());
    const plan = seedPlan({ events: scale });
    const { contactIds } = seedSqlite(db, account.id, plan);
    const Database = collectorRequire('better-sqlite3');
    const writer = new Database(db);
    try {
      appendSqlite(writer, writePassEvents(scale, account.id, contactIds));
    } finally {
      writer.close();
    }
    const conn = new Database(db, { readonly: true });
    try {
      for (const c of cases(plan, contactIds[4321])) {
        const where = sqliteWhere(account.id, c.filter);
        const queries = [
          [`SELECT * FROM events WHERE ${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?`, [...where.params, 50, 0]],
          [`SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${where.sql} LIMIT ?)`, [...where.params, 10_001]],
        ];
        const row = [c.name];
        for (const [i, [sql, params]] of queries.entries()) {
          const detail = conn
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all(...params)
            .map((r) => r.detail)
            .join('; ');
          row.push(`${(await timed(() => conn.prepare(sql).all(...params))).toFixed(2)} ms`, detail);
          if (i === 0) row.push('(the same)', '');
        }
        out.push(`| SQLite | ${row.join(' | ')} |`);
      }
    } finally {
      conn.close();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function appendPostgres(client, rows) {
  const insert = `INSERT INTO events (${eventColumns.join(', ')})
    SELECT ${eventColumns.join(', ')} FROM json_populate_recordset(NULL::events, $1)`;
  let batch = [];
  for (const e of rows) {
    batch.push(e);
    if (batch.length === 5000) {
      await client.query(insert, [JSON.stringify(batch)]);
      batch = [];
    }
  }
  if (batch.length) await client.query(insert, [JSON.stringify(batch)]);
}

const planSummary = (rows) =>
  rows
    .map((r) => r['QUERY PLAN'].trim())
    .filter((l) => /Scan|Sort|Limit|Aggregate|Loop|Join|Rows Removed/.test(l))
    .map((l) =>
      l
        .replace(/\s+\(cost=[^)]*\)/, '')
        .replace(/\s+\(actual [^)]*\)/, '')
        .replace(/^->\s*/, ''),
    )
    .join('; ');

async function explainPostgres(scale, out) {
  const workDir = mkdtempSync(join(os.tmpdir(), 'tracklet-explain-'));
  const { startPostgresServer, createDatabase } = await postgresFixture();
  const server = await startPostgresServer();
  try {
    const db = await createDatabase(server.url());
    const setup = await startCollector({ db, workDir });
    const account = await createBenchAccount(setup.url).finally(() => setup.stop());
    const plan = seedPlan({ events: scale });
    const { contactIds } = await seedPostgres(db, account.id, plan);
    const pg = collectorRequire('pg');
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      await appendPostgres(client, writePassEvents(scale, account.id, contactIds));
      for (const c of cases(plan, contactIds[4321])) {
        const sql = eventListingSql(account.id, c.filter, { limit: 50, offset: 0 });
        const where = pgWhere(account.id, c.filter);
        const n = where.params.length;
        const plain = {
          text: `SELECT * FROM events WHERE ${where.sql} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          values: sql.page.values,
        };
        const row = [c.name];
        for (const q of [sql.page, plain, sql.count]) {
          const ms = await timed(() => client.query(q.text, q.values));
          // ANALYZE: the plan that ran, and how many rows a filter threw away on the way.
          const shown = planSummary((await client.query(`EXPLAIN (ANALYZE, COSTS OFF) ${q.text}`, q.values)).rows);
          row.push(`${ms.toFixed(2)} ms`, shown);
        }
        out.push(`| PostgreSQL | ${row.join(' | ')} |`);
      }
    } finally {
      await client.end();
    }
  } finally {
    await server.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export default async function explain({ args }) {
  const scale = args.includes('quick') ? 100_000 : 1_000_000;
  const written = Math.round(scale * WRITTEN_SHARE).toLocaleString('en');
  const out = [
    `Listing queries on ${scale.toLocaleString('en')} seeded events + ${written} appended as the write passes do (newest; page_view,` +
      ' add_to_cart, signup, invoice_paid; not analyzed), median of 7 runs, one connection, no other load from the bench.',
    '',
    "| store | filter | page (the store's query, LIMIT 50) | plan | plain SELECT * … ORDER BY id DESC LIMIT 50 | plan | count capped at 10,001 (X-Total-Count) | plan |",
    '|---|---|---|---|---|---|---|---|',
  ];
  const stores = args.filter((a) => a === 'sqlite' || a === 'postgres');
  if (!stores.length || stores.includes('sqlite')) await explainSqlite(scale, out);
  if (!stores.length || stores.includes('postgres')) await explainPostgres(scale, out);
  process.stdout.write(`${out.join('\n')}\n`);
}
