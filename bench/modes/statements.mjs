import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createBenchAccount, startCollector } from '../lib/collector.mjs';
import { collectorRequire } from '../lib/collector-deps.mjs';
import { postgresFixture } from '../lib/postgres.mjs';
import { CHROME_UA } from '../lib/requests.mjs';

export const description = 'the SQL statements (round trips) one beacon costs on PostgreSQL, from the server log';

/**
 * Each statement the PostgreSQL store sends is one round trip on the writer's single connection, so their number
 * per event bounds what one collector can store per second. This turns on log_statement=all on a temp server
 * around a few beacons and counts what the collector sent for each (the two ALTER/reload lines excluded).
 */
const pg = collectorRequire('pg');
const STATEMENT = /LOG: {2}(statement|execute [^:]*): (.*)$/;

export default async function statements({ flags }) {
  const { startPostgresServer, createDatabase } = await postgresFixture();
  const server = await startPostgresServer();
  const workDir = mkdtempSync(join(os.tmpdir(), 'tracklet-statements-'));
  try {
    const db = await createDatabase(server.url());
    const collector = await startCollector({ db, workDir });
    const account = await createBenchAccount(collector.url);
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    const log = join(dirname((await admin.query('SHOW data_directory')).rows[0].data_directory), 'server.log');
    const logged = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .map((l) => STATEMENT.exec(l)?.[2])
        .filter(Boolean);
    const setLogging = async (value) => {
      await admin.query(`ALTER SYSTEM SET log_statement = '${value}'`);
      await admin.query('SELECT pg_reload_conf()');
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    const send = (events) =>
      fetch(`${collector.url}/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
        body: JSON.stringify({ key: account.keys.publishable, events }),
      });
    const event = (id, visitor, landing) => ({
      id,
      event: 'page_view',
      anonymous_id: visitor,
      data: { path: '/p' },
      url: landing ? 'https://shop.example/?utm_source=newsletter' : 'https://shop.example/p',
    });
    await send([event('warm-1', 'warm', true)]);
    await send([event('warm-2', 'warm', false)]);
    const cases = [
      ['1 event, a new visitor (landing page)', [event('a', 'visitor', true)]],
      ['1 event, a known visitor (plain page)', [event('b', 'visitor', false)]],
      ['10 events, a known visitor', Array.from({ length: 10 }, (_, i) => event(`c${i}`, 'visitor', false))],
    ];
    const lines = ["| beacon | statements | in the writer's transaction |", '|---|---|---|'];
    for (const [name, events] of cases) {
      await setLogging('all');
      const before = logged().length;
      await send(events);
      await setLogging('none');
      const sent = logged()
        .slice(before)
        .filter((s) => !/log_statement|pg_reload_conf/.test(s));
      const inTx = sent.slice(sent.indexOf('BEGIN'), sent.lastIndexOf('COMMIT') + 1).length;
      lines.push(`| ${name} | ${sent.length} | ${inTx} |`);
      if (flags.has('--verbose')) process.stdout.write(`${name}:\n  ${sent.join('\n  ')}\n`);
    }
    await admin.end();
    await collector.stop();
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await server.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }
}
