import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { commitStats, snapshot } from './metrics.mjs';
import { runWorker, sampleRss } from './processes.mjs';
import { cpuSeconds } from './system.mjs';

const LOAD = fileURLToPath(new URL('./load.mjs', import.meta.url));
export const log = (line) => process.stderr.write(`bench: ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After a pass, waits until the collector has stored what is still queued (autocannon abandons its in-flight
 * requests when a pass ends, but the collector finishes them), so no pass pays for the one before: its count of
 * stored events must stay put for 1.5 s, longer than the slowest group commit seen. Resolves with how long that
 * took, in seconds (the 1.5 s included).
 */
async function settle(target, limitSeconds = 90) {
  const started = performance.now();
  let last = snapshot(await target.metrics()).accepted;
  let still = 0;
  while (still < 6 && performance.now() - started < limitSeconds * 1000) {
    await sleep(250);
    const now = snapshot(await target.metrics()).accepted;
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return (performance.now() - started) / 1000;
}

/**
 * One autocannon pass (in the load process) against `target` ({ name, url, pid, metrics? }), with what the target
 * did meanwhile: its peak resident set, its CPU use, and (for a collector) its group commits and stored events.
 */
export async function measure(
  target,
  scenario,
  { label, connections, seconds, maxRequests, overallRate, params = {} },
) {
  const load1 = os.loadavg()[0];
  const before = target.metrics ? snapshot(await target.metrics()) : null;
  const cpuBefore = cpuSeconds(target.pid);
  const rss = sampleRss(target.pid);
  const result = await runWorker(
    LOAD,
    {
      url: target.url,
      scenario,
      params,
      duration: seconds,
      maxRequests,
      connections: overallRate ? Math.max(1, Math.min(connections, overallRate)) : connections,
      ...(overallRate ? { overallRate } : {}),
    },
    (seconds + 60) * 1000,
  );
  const cpuAfter = cpuSeconds(target.pid);
  const commits = before ? commitStats(before, snapshot(await target.metrics())) : null;
  const drainSeconds = before && !scenario.startsWith('list-') ? await settle(target) : null;
  const peakRssMb = rss.stop();
  const row = {
    target: target.name,
    label,
    scenario,
    connections,
    overallRate: overallRate ?? null,
    ...result,
    peakRssMb,
    cpu: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / result.seconds : null,
    commits,
    storedPerSec: commits ? commits.accepted / result.seconds : null,
    drainSeconds,
    load1,
  };
  const failed = row.non2xx + row.errors + row.timeouts;
  const events = scenario.startsWith('list-') ? '' : `${row.eventsPerSec.toFixed(0)} events/s, `;
  log(
    `  ${target.name} ${label}${overallRate ? ` @ ${overallRate} req/s` : ''}: ${row.reqPerSec.toFixed(0)} req/s, ` +
      `${events}p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms${failed ? `, ${failed} failed` : ''}${row.lateSends === undefined ? '' : ` (paced: offered ${row.offeredRate.toFixed(0)} req/s, ${row.lateSends} sent > 5 ms late, load CPU ${Math.round(row.loadCpu * 100)}%)`}`,
  );
  return row;
}

/** A short unrecorded pass, so the JIT and the caches are warm before the first measured one. */
export async function warmUp(target, scenario, seconds, params) {
  await runWorker(
    LOAD,
    { url: target.url, scenario, params, connections: 10, duration: seconds, maxRequests: 100_000 },
    (seconds + 60) * 1000,
  );
}
