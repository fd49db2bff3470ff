import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { log } from './measure.mjs';
import { runWorker } from './processes.mjs';

/**
 * Passes against the scale-out topology (lib/cluster.mjs): load on both collectors at once (lib/cluster-load.mjs),
 * what the writers stored meanwhile, how long the stream's backlog took to drain afterwards, and each role's CPU.
 */
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CLUSTER_LOAD = here('./cluster-load.mjs');
const LAG_PROBE = here('./lag-probe.mjs');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the stream is empty (every accepted event committed and acked), polled every 100 ms: { seconds, left }. */
export async function drain(cluster, limitSeconds) {
  const started = performance.now();
  let left = await cluster.backlog();
  while (left > 0 && performance.now() - started < limitSeconds * 1000) {
    await sleep(100);
    left = await cluster.backlog();
  }
  return { seconds: (performance.now() - started) / 1000, left };
}

const perSecond = (before, after, seconds) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / seconds]));

/**
 * One autocannon pass on both collectors (each gets half the connections); `alongside` runs at the same time (the
 * lag probe). Resolves with the pass's row, the acknowledged event ids, and what `alongside` returned.
 */
export async function clusterPass(
  cluster,
  scenario,
  {
    label,
    connections,
    seconds,
    maxRequests,
    overallRate,
    params,
    drainLimitSeconds = 90,
    alongside = async () => null,
  },
) {
  const load1 = os.loadavg()[0];
  const storedBefore = await cluster.stored();
  const cpuBefore = cluster.cpu();
  const [result, extra] = await Promise.all([
    runWorker(
      CLUSTER_LOAD,
      {
        urls: cluster.collectors.map((c) => c.url),
        scenario,
        params,
        duration: seconds,
        maxRequests,
        connections: overallRate ? Math.max(1, Math.min(connections, overallRate)) : connections,
        ...(overallRate ? { overallRate } : {}),
      },
      (seconds + 60) * 1000,
    ),
    alongside(),
  ]);
  const cpu = perSecond(cpuBefore, cluster.cpu(), result.seconds);
  const [storedDuring, backlogAtEnd] = await Promise.all([cluster.stored(), cluster.backlog()]);
  const drained = await drain(cluster, drainLimitSeconds);
  const storedTotal = (await cluster.stored()) - storedBefore;
  const { ids, ...measured } = result;
  const row = {
    target: 'cluster',
    label,
    scenario,
    connections,
    overallRate: overallRate ?? null,
    ...measured,
    load1,
    cpu,
    storedPerSec: (storedDuring - storedBefore) / measured.seconds,
    storedTotal,
    backlogAtEnd,
    drainSeconds: drained.seconds,
    drainLeft: drained.left,
    endToEndPerSec: storedTotal / (measured.seconds + drained.seconds),
  };
  const failed = row.non2xx + row.errors + row.timeouts;
  log(
    `  cluster ${label}${overallRate ? ` @ ${overallRate} req/s` : ''}: ${row.reqPerSec.toFixed(0)} req/s, ` +
      `${row.eventsPerSec.toFixed(0)} events/s accepted, ${row.storedPerSec.toFixed(0)} stored/s, backlog ${backlogAtEnd} ` +
      `drained in ${drained.seconds.toFixed(1)} s${drained.left ? ` (${drained.left} left!)` : ''}, p50 ${row.latency.p50} ms, ` +
      `p99 ${row.latency.p99} ms${failed ? `, ${failed} failed` : ''}`,
  );
  return { row, ids, extra };
}

/**
 * End-to-end lag: the probe (lib/lag-probe.mjs, its own process) sends a beacon every `everyMs` for `seconds`,
 * alternating the collector it sends to, and polls the other one. With a `rate`, under a steady load of that many
 * one-event beacons/s on both collectors: the probe starts after 1.5 s of it, and the load runs 3 s longer than the
 * probes. Without one, on the idle cluster: the floor the machine's load adds to.
 */
export async function lagPass(cluster, { rate, connections, seconds, everyMs, pollMs, maxRequests, params }) {
  const [a, b] = cluster.collectors.map((c) => c.url);
  const probeConfig = {
    pairs: [
      [a, b],
      [b, a],
    ],
    publishableKey: params.publishableKey,
    liveKey: params.liveKey,
    delayMs: rate ? 1500 : 0,
    seconds,
    everyMs,
    pollMs,
    timeoutMs: 30_000,
  };
  const runProbe = () => runWorker(LAG_PROBE, probeConfig, (seconds + 90) * 1000);
  const {
    row = null,
    ids = [],
    extra: probe,
  } = rate
    ? await clusterPass(cluster, 'beacon1', {
        label: 'beacon, 1 event, steady load for the lag probe',
        connections,
        seconds: seconds + 3,
        maxRequests,
        overallRate: rate,
        params,
        alongside: runProbe,
      })
    : { extra: await runProbe() };
  const { ids: probeIds, ...lag } = probe;
  log(
    `  lag${rate ? ` @ ${rate} beacons/s` : ', no other load'}: ${lag.measured} probes, p50 ${lag.lag.p50?.toFixed(1)} ms, ` +
      `p99 ${lag.lag.p99?.toFixed(1)} ms, max ${lag.lag.max?.toFixed(1)} ms` +
      `${lag.timedOut || lag.failed.length ? ` (${lag.timedOut} timed out, ${lag.failed.length} failed)` : ''}`,
  );
  return {
    row,
    ids: [...ids, ...probeIds],
    lag: { ...lag, everyMs, pollMs, rate: rate ?? 0, achieved: row?.reqPerSec ?? 0, loadP99: row?.latency.p99 ?? null },
  };
}
