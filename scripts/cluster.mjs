#!/usr/bin/env node
// `npm run cluster` (issue #8, docs/deploy.md): the scale-out topology on this machine — a 3-node NATS JetStream
// cluster, a PostgreSQL server, two collectors and two writers — with the URLs and keys printed. Ctrl-C stops it
// all and removes its data. The NATS and PostgreSQL launchers are the test suite's own (test/support/*.ts),
// transpiled (types erased) rather than copied.
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
const basePort = Number(process.env.PORT || 8787);

/** A test-support module as plain JavaScript in node_modules/.cache (so `pg` resolves from the root). */
async function load(name) {
  const source = join(collectorDir, 'test/support', `${name}.ts`);
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: source,
  });
  mkdirSync(cacheDir, { recursive: true });
  const target = join(cacheDir, `${name}.mjs`);
  writeFileSync(target, `// transpiled from packages/collector/test/support/${name}.ts by scripts/cluster.mjs\n${outputText}`);
  return import(pathToFileURL(target).href);
}

/** A child process whose output lines are prefixed with its name; resolves with it once `ready` matches its stdout. */
function run(name, args, env, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const prefix = (chunk) => chunk.toString().split('\n').filter(Boolean).map((line) => `[${name}] ${line}\n`).join('');
  child.stderr.on('data', (chunk) => process.stderr.write(prefix(chunk)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(prefix(chunk));
      const match = ready.exec(out);
      if (match) resolve({ name, child, match });
    });
    child.on('exit', (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready`)));
  });
}

const stoppers = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping the cluster…\n');
  for (const stop of stoppers.reverse()) await stop().catch((error) => process.stderr.write(`${error.message}\n`));
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  const { startNatsCluster } = await load('nats-cluster');
  const { startPostgresServer, createDatabase } = await load('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'tracklet-cluster-'));
  stoppers.push(async () => rmSync(dir, { recursive: true, force: true }));

  process.stdout.write('Starting a 3-node NATS JetStream cluster and PostgreSQL…\n');
  const nats = await startNatsCluster({ nodes: 3, name: 'tracklet' });
  stoppers.push(() => nats.stop());
  const postgres = await startPostgresServer();
  stoppers.push(() => postgres.destroy());
  const db = await createDatabase(postgres.url());

  const env = {
    TRACKLET_LOG: nats.url, TRACKLET_LOG_REPLICAS: '3', TRACKLET_DB: db, TRACKLET_LOG_LEVEL: process.env.TRACKLET_LOG_LEVEL || 'warn',
    TRACKLET_ADMIN_TOKEN: process.env.TRACKLET_ADMIN_TOKEN || `tk_admin_${randomBytes(24).toString('base64url')}`,
    TRACKLET_DEMO_KEYS: join(dir, 'demo-keys.json'),
  };
  const children = [];
  const track = (started) => {
    children.push(started);
    stoppers.push(() => new Promise((resolve) => {
      if (started.child.exitCode !== null || started.child.signalCode !== null) return resolve();
      started.child.once('exit', resolve);
      started.child.kill('SIGTERM');
    }));
    started.child.on('exit', (code, signal) => { if (!stopping) process.stderr.write(`[${started.name}] exited (${code ?? signal})\n`); });
    return started;
  };
  // One after the other: the first collector on the empty database creates the demo account.
  const collectors = [];
  for (const i of [1, 2]) {
    collectors.push(track(await run(`collector-${i}`, [join(collectorDir, 'dist/main.js')],
      { ...env, PORT: String(basePort + i - 1), TRACKLET_INSTANCE_ID: String(i) }, /listening on (http:\/\/\S+)/)));
  }
  const writers = [];
  for (const i of [1, 2]) {
    writers.push(track(await run(`writer-${i}`, [join(collectorDir, 'dist/cli.js'), 'writer'],
      { ...env, TRACKLET_WRITER_PORT: '0' }, /listening on (http:\/\/\S+)/)));
  }
  const demo = JSON.parse(readFileSync(env.TRACKLET_DEMO_KEYS, 'utf8'));
  process.stdout.write([
    '',
    'Tracklet scale-out cluster is running (Ctrl-C stops it and removes its data):',
    ...collectors.map((c) => `  ${c.name}  ${c.match[1]}   demo ${c.match[1]}/demo/   script ${c.match[1]}/t.js`),
    ...writers.map((w) => `  ${w.name}     ${w.match[1]}/readyz  ${w.match[1]}/metrics`),
    `  NATS          ${nats.url}  (stream tracklet_events, 3 replicas)`,
    `  PostgreSQL    ${db}`,
    `  admin token   ${env.TRACKLET_ADMIN_TOKEN}`,
    `  demo account  id ${demo.id}: publishable ${demo.keys.publishable}`,
    `                live ${demo.keys.live}   test ${demo.keys.test}`,
    '',
  ].join('\n'));
}

main().catch((error) => {
  process.stderr.write(`cluster: ${error.message}\n`);
  void stopAll(1);
});
