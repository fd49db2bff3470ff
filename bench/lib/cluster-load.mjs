import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.mjs';
import { scenarios } from './requests.mjs';

/**
 * The cluster mode's load generator, in its own process as lib/load.mjs is and with the same request shapes
 * (lib/requests.mjs), but aimed at several collectors at once — autocannon hands its connections to the URLs in
 * turn, so each collector gets half — and counting what a log-mode collector answers: items `accepted`, with the
 * id each event will have. Those ids go back to the bench, which checks after the drain that PostgreSQL has every
 * one. Receives { urls, scenario, params, connections, duration, maxRequests, overallRate? } over IPC. With an
 * overallRate the load is lib/paced-load.mjs instead (open loop, evenly paced, requests alternating between the URLs,
 * each URL with half the connections), as in lib/load.mjs.
 */
const ACCEPTED = /"status":"accepted","id":(\d+)/g;

process.once('message', async (config) => {
  try {
    for (const url of config.urls) {
      if (new URL(url).hostname !== '127.0.0.1') throw new Error(`refusing a non-loopback target ${url}`);
    }
    const ids = [];
    const onResponse = (status, body) => {
      if (status === 200) for (const m of body.matchAll(ACCEPTED)) ids.push(Number(m[1]));
    };
    if (config.overallRate) {
      const summary = await pacedLoad(config, onResponse);
      process.send({ ...summary, events: ids.length, eventsPerSec: ids.length / summary.seconds, ids }, () =>
        process.exit(0),
      );
      return;
    }
    const requests = scenarios[config.scenario](config.params).requests.map((r) => ({ ...r, onResponse }));
    const cpuStart = process.cpuUsage();
    const result = await autocannon({
      url: config.urls,
      connections: config.connections,
      duration: config.duration,
      maxOverallRequests: config.maxRequests,
      timeout: 30,
      requests,
    });
    const cpu = process.cpuUsage(cpuStart);
    const seconds = result.duration;
    process.send(
      {
        loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
        seconds,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: result.statusCodeStats,
        reqPerSec: result['2xx'] / seconds,
        events: ids.length,
        eventsPerSec: ids.length / seconds,
        latency: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
          mean: result.latency.average,
        },
        ids,
      },
      () => process.exit(0),
    );
  } catch (error) {
    process.send({ error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1));
  }
});
