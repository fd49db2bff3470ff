import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.mjs';
import { scenarios } from './requests.mjs';

/**
 * The load generator, in its own process (forked by the bench, so it never shares an event loop with a
 * server): receives { url, scenario, params, connections, duration, maxRequests, overallRate? } over IPC, runs
 * against loopback, bounded in time (duration) and count (maxRequests), and replies with a summary. Without
 * overallRate (the max-rate passes) that is autocannon, closed loop; with one, lib/paced-load.mjs, open loop and
 * evenly paced (autocannon's overallRate sends each second's budget in a burst as the second starts).
 */
function summarize(result, created, cpu) {
  const seconds = result.duration;
  const ok = result['2xx'];
  return {
    loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    seconds,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    reqPerSec: ok / seconds,
    events: created,
    eventsPerSec: created / seconds,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
  };
}

process.once('message', async (config) => {
  try {
    const url = new URL(config.url);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
      throw new Error(`refusing a non-loopback target ${url.hostname}`);
    if (config.overallRate) {
      const summary = await pacedLoad(config);
      process.send(summary, () => process.exit(0));
      return;
    }
    const scenario = scenarios[config.scenario](config.params);
    let created = 0;
    const cpuStart = process.cpuUsage();
    const requests = scenario.requests.map((r) =>
      scenario.perResponse
        ? {
            ...r,
            onResponse: (status, body) => {
              created += scenario.perResponse(status, body);
            },
          }
        : r,
    );
    const result = await autocannon({
      url: config.url,
      connections: config.connections,
      duration: config.duration,
      maxOverallRequests: config.maxRequests,
      timeout: 30,
      requests,
    });
    process.send(summarize(result, scenario.perResponse ? created : result['2xx'], process.cpuUsage(cpuStart)), () =>
      process.exit(0),
    );
  } catch (error) {
    process.send({ error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1));
  }
});
