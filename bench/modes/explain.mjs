import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { eventWhere as pgWhere } from '../../packages/collector/dist/store/postgres/postgres-reads.js';
import { eventWhere as sqliteWhere } from '../../packages/collector/dist/store/sqlite/sqlite-reads.js';
import { createBenchAccount, startCollector } from '../lib/collector.mjs';
import { collectorRequire } from '../lib/collector-deps.mjs';
import { postgresFixture } from '../lib/postgres.mjs';
import { seedPlan } from '../lib/seed.mjs';
import { seedPostgres } from '../lib/seed-postgres.mjs';
import { seedSqlite } from '../lib/seed-sqlite.mjs';

export const description = 'the listing queries on the seeded stores: plans and timings, with the changes proposed (add `quick`)';

/**
 * Why a filtered listing is slow: each listing's page query and count query, as the stores build them (their own
 * eventWhere from dist; the SELECT around it mirrors sqlite-reads.ts / postgres-reads.ts listEvents), timed on the
 * seeded store with its plan, next to two changes: a count capped at 10,001 rows, and `created_after` also bounded
 * by the smallest event id of that millisecond (ids encode their receive time, and created_at is that time).
 */
const EPOCH = Date.UTC(2025, 0, 1);
const firstIdAt = (ms) => (ms - EPOCH) * 4096;
const CAP = 10_001;

function cases(plan, contactId) {
  const after = plan.end - 2 * 86_400_000;
  return [
    { name: 'event=page_view (60% of rows)', filter: { event: 'page_view' } },
    { name: 'event=add_to_cart (20%)', filter: { event: 'add_to_cart' } },
    { name: `contact_id=${contactId}`, filter: { contact_id: contactId } },
    { name: 'created_after=2 days ago', filter: { created_after: after } },
    { name: 'created_after=2 days ago AND id >= first id of that ms (proposed)', filter: { created_after: after, after_id: undefined }, idFloor: firstIdAt(after) },
  ];
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

function sqliteQueries(db, accountId, c) {
  const where = sqliteWhere(accountId, c.filter);
  const sql = c.idFloor ? `${where.sql} AND id >= ?` : where.sql;
  const params = c.idFloor ? [...where.params, c.idFloor] : where.params;
  const page = `SELECT * FROM events WHERE ${sql} ORDER BY id DESC LIMIT 50 OFFSET 0`;
  const count = `SELECT count(*) AS n FROM events WHERE ${sql}`;
  const capped = `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${sql} LIMIT ${CAP})`;
  const plan = (q) => db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...params).map((r) => r.detail).join('; ');
  return { page: [page, params, plan(page)], count: [count, params, plan(count)], capped: [capped, params, plan(capped)],
    run: (q) => db.prepare(q).all(...params) };
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
    const conn = new Database(db, { readonly: true });
    try {
      for (const c of cases(plan, contactIds[4321])) {
        const q = sqliteQueries(conn, account.id, c);
        const row = [c.name];
        for (const kind of ['page', 'count', 'capped']) {
          const [sql, , detail] = q[kind];
          row.push(`${(await timed(() => q.run(sql))).toFixed(2)} ms`, detail);
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
      for (const c of cases(plan, contactIds[4321])) {
        const where = pgWhere(account.id, c.filter);
        const sql = c.idFloor ? `${where.sql} AND id >= $${where.params.length + 1}` : where.sql;
        const params = c.idFloor ? [...where.params, c.idFloor] : where.params;
        const n = params.length;
        const queries = [`SELECT * FROM events WHERE ${sql} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          `SELECT count(*) AS n FROM events WHERE ${sql}`, `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${sql} LIMIT ${CAP}) t`];
        const row = [c.name];
        for (const [i, q] of queries.entries()) {
          const values = i === 0 ? [...params, 50, 0] : params;
          const ms = await timed(() => client.query(q, values));
          const plan = (await client.query(`EXPLAIN ${q}`, values)).rows.map((r) => r['QUERY PLAN'].trim())
            .filter((l) => /Scan|Sort|Limit|Aggregate/.test(l)).map((l) => l.replace(/\s+\(cost=[^)]*\)/, '').replace(/^->\s*/, '')).join('; ');
          row.push(`${ms.toFixed(2)} ms`, plan);
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
  const out = [`Listing queries on ${scale.toLocaleString('en')} seeded events, median of 7 runs, one connection, no other load from the bench.`, '',
    '| store | filter | page (LIMIT 50) | plan | count(*) (X-Total-Count) | plan | count capped at 10,001 | plan |', '|---|---|---|---|---|---|---|---|'];
  const stores = args.filter((a) => a === 'sqlite' || a === 'postgres');
  if (!stores.length || stores.includes('sqlite')) await explainSqlite(scale, out);
  if (!stores.length || stores.includes('postgres')) await explainPostgres(scale, out);
  process.stdout.write(`${out.join('\n')}\n`);
}
