import { fileURLToPath } from 'node:url';
import { abBuilds } from '../lib/ab-builds.mjs';
import { median } from '../lib/median.mjs';

export const description =
  "issue #18's ingest budget over HTTP: 100-event beacons, this build against --base=<checkout> (built), alternated";

const script = fileURLToPath(new URL('../lib/beacon-ingest.mjs', import.meta.url));
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Each build in its own process, alternately, `--runs=N` times (default 6) at 10 and at 40 connections; a run is
 * lib/beacon-ingest.mjs. Medians, since a run that another process's load lands on is an outlier, not noise to
 * average. Budget, in the words: throughput within 10 % of the base's. The CPU per event beside it is the
 * steadier measure (it does not depend on the load generator).
 */
export default async ({ flags }) => {
  const builds = abBuilds(flags, 6);
  const budgets = [];
  const lines = ['| connections | build | CPU µs/event (median) | events/s (median) | bytes written/event | runs |'];
  lines.push('|---|---|---|---|---|---|');
  for (const connections of [10, 40]) {
    const seen = builds.measure(script, ['1500', String(connections)], (name, out) =>
      log(
        `${connections} connections, ${name}: ${out.cpuUsPerEvent.toFixed(1)} µs/event, ${out.eventsPerS.toFixed(0)} events/s`,
      ),
    );
    const of = (name, field) => median(seen[name].map((o) => o[field]));
    for (const name of ['base', 'here'])
      lines.push(
        `| ${connections} | ${name} | ${of(name, 'cpuUsPerEvent').toFixed(1)} | ${of(name, 'eventsPerS').toFixed(0)} | ${of(name, 'bytesPerEvent').toFixed(0)} | ${seen[name].map((o) => o.cpuUsPerEvent.toFixed(1)).join(', ')} |`,
      );
    const cpu = of('here', 'cpuUsPerEvent') / of('base', 'cpuUsPerEvent');
    const rate = of('here', 'eventsPerS') / of('base', 'eventsPerS');
    budgets.push({ pass: rate >= 0.9 });
    lines.push(
      `| ${connections} | here ÷ base | ${cpu >= 1 ? '+' : ''}${((cpu - 1) * 100).toFixed(1)} % | × ${rate.toFixed(2)} (budget ≥ × 0.90: ${rate >= 0.9 ? 'pass' : 'FAIL'}) | | |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return budgets;
};
