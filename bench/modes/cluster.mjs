import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchCluster } from '../lib/cluster.mjs';
import { clusterMarkdown } from '../lib/cluster-report.mjs';
import { clusterPass, drain, lagPass } from '../lib/cluster-run.mjs';
import { createBenchAccount, startCollector } from '../lib/collector.mjs';
import { log, measure, warmUp } from '../lib/measure.mjs';
import { spawnServer, stopChild } from '../lib/processes.mjs';
import { baselineParams, scales } from '../lib/suite.mjs';
import { systemInfo } from '../lib/system.mjs';

export const description =
  'issue #8: events/s through 2 collectors + 2 writers vs single-node SQLite, end-to-end lag (add `quick`)';

/**
 * `npm run bench -- cluster [quick]`: in one run, the single-node SQLite figure (an empty store, as the cluster's
 * PostgreSQL is) and the scale-out topology of `npm run cluster`, under the same beacon loads, each max pass paired
 * with the bare baseline right before it; then the end-to-end lag (accepted → queryable) on the idle cluster and
 * at half the rate the cluster sustained; then whether PostgreSQL has every event the collectors acknowledged. No budgets (issue #8 sets
 * none), so the exit code is 0 unless an acknowledged event is missing (1) or the bench broke (2).
 */
const BEACONS = [
  { scenario: 'beacon1', label: 'beacon, 1 event', connections: (scale) => scale.writeConnections },
  { scenario: 'beacon100', label: 'beacon, 100 events', connections: (scale) => scale.batchConnections },
];
const LAG = {
  full: { seconds: 10, idleSeconds: 5, everyMs: 25, pollMs: 3 },
  quick: { seconds: 5, idleSeconds: 3, everyMs: 25, pollMs: 3 },
};

async function startBaseline() {
  const server = spawnServer(
    process.execPath,
    [fileURLToPath(new URL('../lib/baseline-server.mjs', import.meta.url))],
    { pattern: /listening on (http:\/\/\S+)/ },
  );
  const [, url] = await server.ready;
  return { name: 'baseline', url, pid: server.child.pid, stop: () => stopChild(server.child) };
}

/** The bare baseline right before a pass: the ratio's denominator, under the same machine load (as lib/store-run.mjs pairs). */
const pairedBaseline = (baseline, scale, step, target) =>
  measure(baseline, 'beacon1', {
    seconds: scale.writeSeconds,
    maxRequests: scale.maxRequests,
    connections: scale.writeConnections,
    params: baselineParams,
    label: `beacon, 1 event (paired with ${target}'s ${step.label})`,
  });

/** One collector on a temp SQLite file: the single-node figure of this run. */
async function singleNode(baseline, scale) {
  const workDir = mkdtempSync(join(os.tmpdir(), 'tracklet-bench-cluster-sqlite-'));
  try {
    const collector = await startCollector({ db: join(workDir, 'tracklet.db'), workDir });
    try {
      const account = await createBenchAccount(collector.url);
      const target = { name: 'sqlite', url: collector.url, pid: collector.pid, metrics: collector.metrics };
      const params = { publishableKey: account.keys.publishable };
      log(`sqlite: collector pid ${collector.pid} at ${collector.url}`);
      await warmUp(target, 'beacon1', scale.warmupSeconds, params);
      const rows = [];
      for (const step of BEACONS) {
        const paired = await pairedBaseline(baseline, scale, step, 'sqlite');
        const pass = await measure(target, step.scenario, {
          label: step.label,
          connections: step.connections(scale),
          seconds: scale.writeSeconds,
          maxRequests: scale.maxRequests,
          params,
        });
        rows.push(paired, { ...pass, pairedBaseline: paired.reqPerSec });
      }
      return rows;
    } finally {
      await collector.stop();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The scale-out topology: the same max passes, the lag probe, then the check that nothing acknowledged is missing. */
async function scaleOut(baseline, scale, lagScale) {
  log('cluster: starting 3 NATS JetStream nodes, PostgreSQL, 2 collectors and 2 writers (scripts/cluster.mjs)…');
  const started = performance.now();
  const cluster = await startBenchCluster();
  try {
    const startSeconds = (performance.now() - started) / 1000;
    log(`cluster: up in ${startSeconds.toFixed(1)} s: ${cluster.collectors.map((c) => c.url).join(', ')}`);
    const account = await createBenchAccount(cluster.collectors[0].url);
    const params = { publishableKey: account.keys.publishable, liveKey: account.keys.live };
    const acknowledged = [];
    const common = { seconds: scale.writeSeconds, maxRequests: scale.maxRequests, params };
    acknowledged.push(
      (
        await clusterPass(cluster, 'beacon1', {
          ...common,
          label: 'warm-up',
          connections: 10,
          seconds: scale.warmupSeconds,
        })
      ).ids,
    );
    const rows = [];
    for (const step of BEACONS) {
      const paired = await pairedBaseline(baseline, scale, step, 'the cluster');
      const pass = await clusterPass(cluster, step.scenario, {
        ...common,
        label: step.label,
        connections: step.connections(scale),
      });
      acknowledged.push(pass.ids);
      rows.push(paired, { ...pass.row, pairedBaseline: paired.reqPerSec });
    }
    // Half of what the cluster sustained end to end: more than the writers store would only grow the backlog.
    const max = rows.find((r) => r.target === 'cluster' && r.scenario === 'beacon1');
    const rate = Math.max(1, Math.floor(Math.min(max.reqPerSec, max.endToEndPerSec) / 2));
    const idle = await lagPass(cluster, { ...common, ...lagScale, seconds: lagScale.idleSeconds, rate: 0 });
    const loaded = await lagPass(cluster, { ...common, ...lagScale, rate, connections: scale.writeConnections });
    acknowledged.push(idle.ids, loaded.ids);
    rows.push(loaded.row);

    const ids = acknowledged.flat();
    const final = await drain(cluster, 120);
    const check = await cluster.missing(ids);
    log(`cluster: ${ids.length} events acknowledged, ${check.stored} stored, ${check.missing} missing`);
    return {
      rows,
      lag: [idle.lag, loaded.lag],
      startSeconds,
      natsNodes: cluster.natsNodes,
      check: { acknowledged: ids.length, ...check, backlogLeft: final.left },
    };
  } finally {
    await cluster.stop();
  }
}

export default async function clusterMode({ args }) {
  const quick = args.includes('quick');
  const scale = quick ? scales.quick : scales.full;
  const system = systemInfo();
  const started = performance.now();
  const baseline = await startBaseline();
  let results;
  try {
    log('baseline: bare Fastify 5 in its own process');
    await warmUp(baseline, 'beacon1', scale.warmupSeconds, baselineParams);
    const sqlite = await singleNode(baseline, scale);
    const cluster = await scaleOut(baseline, scale, quick ? LAG.quick : LAG.full);
    results = {
      mode: quick ? 'cluster quick' : 'cluster',
      scale,
      sqlite,
      cluster,
      system: { ...system, loadEnd: os.loadavg(), seconds: (performance.now() - started) / 1000 },
    };
  } finally {
    await baseline.stop();
  }
  const { check } = results.cluster;
  const budgets = [
    {
      name:
        `every acknowledged event is in PostgreSQL after the drain (${check.acknowledged.toLocaleString('en')} acknowledged, ` +
        `${check.stored.toLocaleString('en')} stored, ${check.missing} missing${check.backlogLeft ? `, ${check.backlogLeft} still in the stream` : ''})`,
      pass: check.missing === 0 && check.backlogLeft === 0,
    },
  ];
  const markdown = clusterMarkdown(results, budgets);
  const name = quick ? 'results-cluster-quick' : 'results-cluster';
  const file = fileURLToPath(new URL(`../${name}.md`, import.meta.url));
  writeFileSync(file, markdown);
  mkdirSync(fileURLToPath(new URL('../.cache/', import.meta.url)), { recursive: true });
  writeFileSync(
    fileURLToPath(new URL(`../.cache/${name}.json`, import.meta.url)),
    `${JSON.stringify({ results, budgets }, null, 2)}\n`,
  );
  process.stdout.write(`\n${markdown}\nwritten to ${file}\n`);
  return budgets;
}
