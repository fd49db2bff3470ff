import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { log, measure, warmUp } from './measure.mjs';
import { procStatusKb, runWorker, spawnServer, stopChild } from './processes.mjs';
import { benchStore } from './store-run.mjs';
import { systemInfo } from './system.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** How big and how long: `full` is the budget run (~10 s a pass), `quick` a smoke run of the same steps. */
export const scales = {
  full: {
    name: 'full',
    seedEvents: 1_000_000,
    warmupSeconds: 2,
    writeSeconds: 10,
    listSeconds: 6,
    writeConnections: 50,
    batchConnections: 10,
    listConnections: 4,
    maxRequests: 1_000_000,
  },
  quick: {
    name: 'quick',
    seedEvents: 100_000,
    warmupSeconds: 1,
    writeSeconds: 3,
    listSeconds: 2,
    writeConnections: 50,
    batchConnections: 10,
    listConnections: 4,
    maxRequests: 200_000,
  },
};

export const baselineParams = { publishableKey: 'tk_pub_baseline' };

/** The baseline: bare Fastify in its own process, up for the whole run so every store pass can be paired with it. */
async function startBaseline() {
  const server = spawnServer(process.execPath, [here('./baseline-server.mjs')], {
    pattern: /listening on (http:\/\/\S+)/,
  });
  const [, url] = await server.ready;
  return { name: 'baseline', url, pid: server.child.pid, stop: () => stopChild(server.child) };
}

/** The bare server with a 100-event body too: what HTTP and body size cost before any collector work. */
async function benchBaseline(baseline, scale) {
  log('baseline: bare Fastify 5 in its own process');
  await warmUp(baseline, 'beacon1', scale.warmupSeconds, baselineParams);
  const common = { seconds: scale.writeSeconds, maxRequests: scale.maxRequests, params: baselineParams };
  return [
    await measure(baseline, 'beacon1', { ...common, label: 'beacon, 1 event', connections: scale.writeConnections }),
    await measure(baseline, 'beacon100', {
      ...common,
      label: 'beacon, 100 events',
      connections: scale.batchConnections,
    }),
  ];
}

function benchEnrichment() {
  log('enrichment: user-agent parse micro-benchmark');
  return runWorker(here('./enrich.mjs'), {}, 120_000);
}

/** Everything a mode asks for, in one run, with the machine it ran on. */
export async function runSuite({ mode, stores, scale, flags }) {
  const system = systemInfo();
  const started = performance.now();
  const enrichment = await benchEnrichment();
  const baseline = await startBaseline();
  try {
    const baselineRows = await benchBaseline(baseline, scale);
    const results = {};
    for (const kind of stores) results[kind] = await benchStore(kind, { scale, flags, baseline });
    return {
      mode,
      scale,
      enrichment,
      stores: results,
      system: { ...system, loadEnd: os.loadavg(), seconds: (performance.now() - started) / 1000 },
      baseline: { rows: baselineRows, peakRssMb: (procStatusKb(baseline.pid, 'VmHWM') ?? 0) / 1024 },
    };
  } finally {
    await baseline.stop();
  }
}
