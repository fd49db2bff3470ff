import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openPostgresStore } from '../../packages/collector/dist/store/postgres/postgres-store.js';
import { ADMIN_TOKEN, startCollector } from '../lib/collector.mjs';
import { EXTRA, PANELS, paintOnce } from '../lib/dashboard-paint.mjs';
import { flagValue } from '../lib/flags.mjs';
import { postgresFixture } from '../lib/postgres.mjs';
import { loadPostgres, loadSqlite, migrateSqlite } from '../lib/stats-load.mjs';
import { importTypeScript } from '../lib/typescript-import.mjs';

export const description =
  "issue #19: the dashboard's first paint in Chromium on the stats seed, per panel, on a running and a restarted collector (args: 1m | 100k, sqlite | postgres; --runs=5 --timeout=120)";

const log = (line) => process.stderr.write(`${line}\n`);
const BUDGET_MS = 1500;

/** A live key for the seeded account, through the admin API (the seed writes no keys). */
async function liveKey(url, accountId) {
  const response = await fetch(`${url}/v1/admin/accounts/${accountId}/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'live' }),
  });
  if (response.status !== 201) throw new Error(`issuing a live key: ${response.status} ${await response.text()}`);
  return (await response.json()).key;
}

/** One paint on a started collector, logged as it lands. */
async function paintOn(collector, key, { browser, timeoutMs }, label) {
  const result = await paintOnce(browser, { url: collector.url, key, timeoutMs });
  const times = [...PANELS, EXTRA].map((p) => `${p} ${result.panels[p] ? result.panels[p].ms.toFixed(0) : '–'}`);
  const sent = `first query sent ${result.firstSent.toFixed(0)}`;
  log(`  ${label}: ${result.painted ? 'painted' : `NOT painted in ${timeoutMs} ms`} · ${sent} · ${times.join(' · ')}`);
  return { ...result, label };
}

/**
 * The paints, each in a new browser context (no HTTP cache): `build`, the first on a store whose days were never
 * summed (it builds the rollups, once a store); `runs` on one running collector, as a site owner meets it (the
 * judged ones); and `runs` on a collector started just before (after one realtime request), each its own process,
 * so a run that ran out of time leaves no query behind: what the first visitor after a restart sees.
 */
async function paintRuns({ db, accountId, workDir, runs, ...options }) {
  const results = [];
  let key;
  const started = async () => {
    const collector = await startCollector({ db, workDir });
    key ??= await liveKey(collector.url, accountId);
    await fetch(`${collector.url}/v1/stats/realtime`, { headers: { authorization: `Bearer ${key}` } });
    return collector;
  };
  const running = await started();
  try {
    results.push(await paintOn(running, key, options, 'build'));
    for (let run = 1; run <= runs; run++) results.push(await paintOn(running, key, options, `running ${run}`));
  } finally {
    await running.stop();
  }
  for (let run = 1; run <= runs; run++) {
    const collector = await started();
    try {
      results.push(await paintOn(collector, key, options, `restarted ${run}`));
    } finally {
      await collector.stop();
    }
  }
  return results;
}

async function onSqlite(plan, dir, options) {
  const db = join(dir, 'dashboard.db');
  const accountId = migrateSqlite(db);
  const started = performance.now();
  loadSqlite(db, accountId, plan);
  log(`sqlite: seeded ${plan.events} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return paintRuns({ ...options, db, accountId, workDir: dir });
}

async function onPostgres(plan, dir, options) {
  const { startPostgresServer, createDatabase } = await postgresFixture();
  const server = await startPostgresServer();
  try {
    const db = await createDatabase(server.url());
    const store = await openPostgresStore(db);
    const now = Date.now();
    const account = await store.write((tx) =>
      tx.createAccount({
        name: 'dashboard',
        allowed_origins: [],
        allowed_events: null,
        rate_limit: { api_per_minute: null, beacons_per_minute: null },
        timezone: 'UTC',
        created_at: now,
        updated_at: now,
      }),
    );
    await store.close();
    const started = performance.now();
    await loadPostgres(db, account.id, plan);
    log(`postgres: seeded ${plan.events} events in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return await paintRuns({ ...options, db, accountId: account.id, workDir: dir });
  } finally {
    await server.destroy();
  }
}

const cell = (p) => (p ? `${p.ms.toFixed(0)}${p.state === 'error' ? ' (error)' : ''}` : '–');

/** The worst and median paint of `results`, against the budget. */
function judge(results) {
  const sorted = results.map(paintMs).sort((a, b) => a - b);
  const worst = sorted.at(-1);
  return { median: sorted[Math.floor(sorted.length / 2)], worst, pass: worst <= BUDGET_MS };
}

const paintMs = (r) => (r.painted ? Math.max(...PANELS.map((p) => r.panels[p].ms)) : Infinity);

/**
 * The table: one row per paint, then the budget, judged on the paints on a running collector; the first paint (which
 * builds the rollups) and those right after a restart are shown beside it.
 */
function report(store, events, results, timeoutMs) {
  const show = (ms) => (ms === Infinity ? `> ${timeoutMs}` : ms.toFixed(0));
  const running = judge(results.filter((r) => r.label.startsWith('running')));
  const restarted = judge(results.filter((r) => r.label.startsWith('restarted')));
  const rows = results.map(
    (r) =>
      `| ${store} | ${events.toLocaleString('en')} | ${r.label} | ${show(paintMs(r))} | ${[...PANELS, EXTRA].map((p) => cell(r.panels[p])).join(' | ')} |`,
  );
  const last = results.findLast((r) => r.label.startsWith('running'));
  const slowest = last.requests.toSorted((a, b) => b.ms - a.ms);
  const queries = last.requests.filter((r) => r.body).length;
  const sent = results.map((r) => r.firstSent.toFixed(0)).join(', ');
  return {
    pass: running.pass,
    lines: [
      `| store | events | paint | painted ms | ${[...PANELS, EXTRA].join(' | ')} |`,
      `|---|---|---|---|${[...PANELS, EXTRA].map(() => '---').join('|')}|`,
      ...rows,
      '',
      `${store}: on a running collector painted median ${show(running.median)} ms, worst ${show(running.worst)} ms ` +
        `(budget ≤ ${BUDGET_MS} ms: ${running.pass ? 'pass' : 'FAIL'}); right after a restart median ` +
        `${show(restarted.median)} ms, worst ${show(restarted.worst)} ms; the paint that builds the rollups ` +
        `${show(paintMs(results[0]))} ms; first query sent at ${sent} ms; ` +
        `${queries} stats queries a paint (POST /v1/stats/query; plus the realtime check, polled every 30 s), ` +
        `${results.reduce((n, r) => n + r.repeated.length, 0)} repeated in ${results.length} paints.`,
      `Last running paint's stats requests, slowest first (ms from sent to answered): ${slowest.map((r) => `${r.what} ${r.ms.toFixed(0)}`).join('; ')}.`,
    ],
  };
}

export default async ({ args, flags }) => {
  const events = args.includes('100k') ? 100_000 : 1_000_000;
  const stores = ['sqlite', 'postgres'].filter(
    (s) => !args.some((a) => a === 'sqlite' || a === 'postgres') || args.includes(s),
  );
  const runs = Number(flagValue(flags, 'runs') ?? 5);
  const timeoutMs = Number(flagValue(flags, 'timeout') ?? 120) * 1000;
  const { CHROMIUM, HUMAN_LAUNCH } = await importTypeScript(new URL('../../e2e/support/browser.ts', import.meta.url));
  const browser = await chromium.launch({ ...HUMAN_LAUNCH, executablePath: CHROMIUM });
  const dir = mkdtempSync(join(os.tmpdir(), 'tracklet-dashboard-'));
  const lines = [];
  const budgets = [];
  try {
    for (const store of stores) {
      log(`${store}: ${events.toLocaleString('en')} events, ${runs} first paints of /dashboard/ (30 days)`);
      const plan = { events, days: 60, now: Date.now() };
      const options = { runs, timeoutMs, browser };
      const results = store === 'sqlite' ? await onSqlite(plan, dir, options) : await onPostgres(plan, dir, options);
      const { pass, lines: table } = report(store, events, results, timeoutMs);
      budgets.push({ pass });
      lines.push(...table, '');
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  const file = fileURLToPath(
    new URL(`../results-dashboard-${events >= 1_000_000 ? '1m' : 'small'}.md`, import.meta.url),
  );
  writeFileSync(
    file,
    `# Dashboard first paint (${new Date().toISOString()}, ${os.cpus().length} CPUs shared)\n\n${text}`,
  );
  return budgets;
};
