import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchAccount, startCollector } from './collector.mjs';
import { log, measure, warmUp } from './measure.mjs';
import { postgresFixture } from './postgres.mjs';
import { procStatusKb } from './processes.mjs';
import { topFunctions } from './profile.mjs';
import { seedEventNames, seedPlan } from './seed.mjs';
import { seedPostgres } from './seed-postgres.mjs';
import { seedSqlite } from './seed-sqlite.mjs';

const PROFILES = fileURLToPath(new URL('../profiles/', import.meta.url));
const baselineParams = { publishableKey: 'tk_pub_baseline' };

/** The passes against each store, in order; `--only=beacon1,list-recent` keeps some. */
const steps = (scale) => [
  { scenario: 'beacon1', label: 'beacon, 1 event', connections: scale.writeConnections, write: true, half: true },
  { scenario: 'beacon100', label: 'beacon, 100 events', connections: scale.batchConnections, write: true, half: true },
  { scenario: 'events', label: 'POST /v1/events', connections: scale.writeConnections, write: true, half: false },
  { scenario: 'list-event', label: 'GET /v1/events?event=…&limit=50', connections: scale.listConnections },
  { scenario: 'list-contact', label: 'GET /v1/events?contact_id=…&limit=50', connections: scale.listConnections },
  { scenario: 'list-recent', label: 'GET /v1/events?created_after=…&limit=50', connections: scale.listConnections },
];

/**
 * A write scenario: the baseline right before it (its ratio's denominator, measured under the same machine load),
 * the most the collector takes, then a pass at half that rate for the latency budget and the baseline at that same
 * rate (the latency the loaded machine adds by itself).
 */
async function writePasses(target, baseline, step, scale, params) {
  const common = { seconds: scale.writeSeconds, maxRequests: scale.maxRequests };
  const paired = await measure(baseline, 'beacon1', {
    ...common,
    connections: scale.writeConnections,
    params: baselineParams,
    label: `beacon, 1 event (paired with ${target.name}'s ${step.label})`,
  });
  const max = {
    ...(await measure(target, step.scenario, { ...common, connections: step.connections, params, label: step.label })),
    pairedBaseline: paired.reqPerSec,
  };
  const rows = [paired, max];
  if (!step.half) return rows;
  const label = `${step.label} @ half rate`;
  if (max.ok === 0)
    return [
      ...rows,
      {
        target: target.name,
        scenario: step.scenario,
        label,
        overallRate: 0,
        skipped: 'nothing was acknowledged at full load',
      },
    ];
  const overallRate = Math.max(1, Math.floor(max.reqPerSec / 2));
  const half = await measure(target, step.scenario, {
    ...common,
    connections: step.connections,
    params,
    label,
    overallRate,
  });
  const floor = await measure(baseline, step.scenario, {
    ...common,
    connections: step.connections,
    params: baselineParams,
    overallRate,
    label: `${step.label} @ ${target.name}'s half rate`,
  });
  return [...rows, { ...half, referenceP99: floor.latency.p99 }, floor];
}

/** Where the store lives: a temp SQLite file, or a fresh PostgreSQL server (the collector tests' fixture). */
async function openDatabase(kind, workDir) {
  if (kind === 'sqlite') return { db: join(workDir, 'tracklet.db'), close: async () => {} };
  const { startPostgresServer, createDatabase } = await postgresFixture();
  const server = await startPostgresServer();
  try {
    // The collector reaches the server over its Unix socket, as one on the database's own machine would (README:
    // PostgreSQL): loopback TCP cost ~30% more CPU per query in the collector.
    const name = new URL(await createDatabase(server.url())).pathname.slice(1);
    return { db: server.socketUrl(name), close: () => server.destroy() };
  } catch (error) {
    await server.destroy();
    throw error;
  }
}

async function seed(kind, db, accountId, scale) {
  const plan = seedPlan({ events: scale.seedEvents });
  log(`${kind}: seeding ${plan.events.toLocaleString('en')} events (direct bulk insert)…`);
  const started = performance.now();
  const { contactIds } = kind === 'sqlite' ? seedSqlite(db, accountId, plan) : await seedPostgres(db, accountId, plan);
  const seconds = (performance.now() - started) / 1000;
  log(`${kind}: seeded in ${seconds.toFixed(1)} s`);
  return { plan, contactIds, seconds };
}

const readText = (file) => (file && existsSync(file) ? readFileSync(file, 'utf8').trim() : null);

/**
 * One store: the collector migrates an empty store and makes the bench account, then stops; the seed goes straight
 * into the database; then a fresh collector takes the write passes and the listings on the seeded store.
 */
export async function benchStore(kind, { scale, flags, baseline }) {
  const workDir = mkdtempSync(join(os.tmpdir(), `tracklet-bench-${kind}-`));
  const database = await openDatabase(kind, workDir);
  try {
    const setup = await startCollector({ db: database.db, workDir });
    const account = await createBenchAccount(setup.url).finally(() => setup.stop());
    const seeded = await seed(kind, database.db, account.id, scale);

    const cpuProfDir = flags.has('--cpu-prof') ? join(PROFILES, kind) : undefined;
    if (cpuProfDir) {
      rmSync(cpuProfDir, { recursive: true, force: true });
      mkdirSync(cpuProfDir, { recursive: true });
    }
    const straceFile = flags.has('--strace') ? join(workDir, 'strace.txt') : undefined;
    const collector = await startCollector({ db: database.db, workDir, cpuProfDir, straceFile });
    const target = { name: kind, url: collector.url, pid: collector.pid, metrics: collector.metrics };
    const params = {
      publishableKey: account.keys.publishable,
      liveKey: account.keys.live,
      eventNames: seedEventNames,
      contactIds: seeded.contactIds,
      seedEnd: seeded.plan.end,
    };
    const only = [...flags]
      .find((f) => f.startsWith('--only='))
      ?.slice('--only='.length)
      .split(',');
    const rows = [];
    let peakRssKb = 0;
    try {
      log(`${kind}: collector pid ${collector.pid} at ${collector.url}`);
      await warmUp(target, 'beacon1', scale.warmupSeconds, params);
      for (const step of steps(scale).filter((s) => !only || only.includes(s.scenario))) {
        if (step.write) rows.push(...(await writePasses(target, baseline, step, scale, params)));
        else
          rows.push(
            await measure(target, step.scenario, {
              label: step.label,
              connections: step.connections,
              seconds: scale.listSeconds,
              maxRequests: scale.maxRequests,
              params,
            }),
          );
      }
      peakRssKb = procStatusKb(collector.pid, 'VmHWM') ?? 0;
    } finally {
      await collector.stop();
    }
    return {
      kind,
      rows,
      seedEvents: seeded.plan.events,
      seedSeconds: seeded.seconds,
      peakRssMb: peakRssKb / 1024,
      profile: cpuProfDir ? topFunctions(cpuProfDir) : null,
      strace: readText(straceFile),
    };
  } finally {
    await database.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
