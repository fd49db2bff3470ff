#!/usr/bin/env node
// `npm run cluster` (issue #8, docs/deploy.md): the scale-out topology on this machine — a 3-node NATS JetStream
// cluster, a PostgreSQL server, two collectors and two writers — with the URLs and keys printed. Ctrl-C stops it
// all and removes its data. The NATS and PostgreSQL launchers are the test suite's own (test/support/*.ts),
// transpiled (types erased) rather than copied. `npm run bench -- cluster` starts the same topology through
// createCluster() below, so what it measures is what this script runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../', import.meta.url));
const collectorDir = join(root, 'packages/collector');
const cacheDir = join(root, 'node_modules/.cache/tracklet-cluster');

/** A test-support module as plain JavaScript in node_modules/.cache (so `pg` resolves from the root). */
async function load(name) {
  const source = join(collectorDir, 'test/support', `${name}.ts`);
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  mkdirSync(cacheDir, { recursive: true });
  const target = join(cacheDir, `${name}.mjs`);
  writeFileSync(
    target,
    `// transpiled from packages/collector/test/support/${name}.ts by scripts/cluster.mjs\n${outputText}`,
  );
  return import(pathToFileURL(target).href);
}

/**
 * A child process; resolves with it once `ready` matches its stdout. Its output lines go to ours prefixed with its
 * name, or (`quiet`) only the last few KB are kept, for the error when it dies before it is ready.
 */
function run(name, args, env, ready, quiet) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let tail = '';
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  const pass = (stream) => (chunk) => {
    tail = (tail + chunk).slice(-4000);
    if (!quiet) stream.write(prefix(chunk));
  };
  child.stderr.on('data', pass(process.stderr));
  child.stdout.on('data', pass(process.stdout));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = ready.exec(out);
      if (match) resolve({ name, child, url: match[1], output: () => tail });
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready${quiet ? `:\n${tail}` : ''}`)),
    );
  });
}

/** SIGTERM (collectors and writers finish what they hold), SIGKILL after `graceMs`; resolves once it exited. */
function stopChild(child, graceMs = 15_000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The topology as `npm run cluster` runs it: `start()` resolves with `{ nats, postgres, db, env, dir, collectors,
 * writers, demo }` (a collector or writer: `{ name, child, url, output() }`). `stop()` stops everything and removes
 * its data; it may be called while `start()` is still running: what starts after it is stopped at once and `start()`
 * fails. `basePort` 0 gives the collectors free ports; `env` is added to every collector's and writer's environment.
 * `progress` holds what has started so far (`dir`, `nats`, `postgres`), for a cleanup that cannot wait for `stop()`.
 */
export function createCluster({
  basePort = 8787,
  env: extra = {},
  quiet = false,
  log = (line) => process.stdout.write(`${line}\n`),
} = {}) {
  const stoppers = [];
  const progress = {};
  let stopped = false;
  const onStop = async (fn) => {
    if (!stopped) return void stoppers.push(fn);
    await fn();
    throw new Error('the cluster was stopped while it was starting');
  };
  const track = async (started, all) => {
    started.child.on('exit', (code, signal) => {
      if (!stopped)
        process.stderr.write(`[${started.name}] exited (${code ?? signal})${quiet ? `:\n${started.output()}` : ''}\n`);
    });
    await onStop(() => stopChild(started.child));
    all.push(started);
  };

  async function start() {
    const { startNatsCluster } = await load('nats-cluster');
    const { startPostgresServer, createDatabase } = await load('postgres');
    const dir = mkdtempSync(join(tmpdir(), 'tracklet-cluster-'));
    progress.dir = dir;
    await onStop(async () => rmSync(dir, { recursive: true, force: true }));

    log('Starting a 3-node NATS JetStream cluster and PostgreSQL…');
    const nats = await startNatsCluster({ nodes: 3, name: 'tracklet' });
    progress.nats = nats;
    await onStop(() => nats.stop());
    const postgres = await startPostgresServer();
    progress.postgres = postgres;
    await onStop(() => postgres.destroy());
    const db = await createDatabase(postgres.url());

    const env = {
      TRACKLET_LOG: nats.url,
      TRACKLET_LOG_REPLICAS: '3',
      TRACKLET_DB: db,
      TRACKLET_LOG_LEVEL: process.env.TRACKLET_LOG_LEVEL || 'warn',
      TRACKLET_ADMIN_TOKEN: process.env.TRACKLET_ADMIN_TOKEN || `tk_admin_${randomBytes(24).toString('base64url')}`,
      TRACKLET_DEMO_KEYS: join(dir, 'demo-keys.json'),
      ...extra,
    };
    // One after the other: the first collector on the empty database creates the demo account.
    const collectors = [];
    for (const i of [1, 2]) {
      await track(
        await run(
          `collector-${i}`,
          [join(collectorDir, 'dist/main.js')],
          { ...env, PORT: String(basePort ? basePort + i - 1 : 0), TRACKLET_INSTANCE_ID: String(i) },
          /listening on (http:\/\/\S+)/,
          quiet,
        ),
        collectors,
      );
    }
    const writers = [];
    for (const i of [1, 2]) {
      await track(
        await run(
          `writer-${i}`,
          [join(collectorDir, 'dist/cli.js'), 'writer'],
          { ...env, TRACKLET_WRITER_PORT: '0' },
          /listening on (http:\/\/\S+)/,
          quiet,
        ),
        writers,
      );
    }
    const demo = JSON.parse(readFileSync(env.TRACKLET_DEMO_KEYS, 'utf8'));
    return { nats, postgres, db, env, dir, collectors, writers, demo };
  }

  async function stop() {
    stopped = true;
    while (stoppers.length)
      await stoppers
        .pop()()
        .catch((error) => process.stderr.write(`${error.message}\n`));
  }

  return { start, stop, progress };
}

async function main() {
  const cluster = createCluster({ basePort: Number(process.env.PORT || 8787) });
  const starting = cluster.start();
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the cluster…\n');
    await cluster.stop();
    await starting.catch(() => {}); // what was starting when Ctrl-C came is stopped once it is up
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    const { nats, db, env, collectors, writers, demo } = await starting;
    process.stdout.write(
      [
        '',
        'Tracklet scale-out cluster is running (Ctrl-C stops it and removes its data):',
        ...collectors.map((c) => `  ${c.name}  ${c.url}   demo ${c.url}/demo/   script ${c.url}/t.js`),
        ...writers.map((w) => `  ${w.name}     ${w.url}/readyz  ${w.url}/metrics`),
        `  NATS          ${nats.url}  (stream tracklet_events, 3 replicas)`,
        `  PostgreSQL    ${db}`,
        `  admin token   ${env.TRACKLET_ADMIN_TOKEN}`,
        `  demo account  id ${demo.id}: publishable ${demo.keys.publishable}`,
        `                live ${demo.keys.live}   test ${demo.keys.test}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`cluster: ${error.message}\n`);
    await stopAll(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
