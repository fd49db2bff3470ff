import { fileURLToPath } from 'node:url';
import { abBuilds } from '../lib/ab-builds.mjs';

export const description =
  'the visits write of issue #18: CPU per event through the SQLite store, this build against --base=<checkout> (built)';

const script = fileURLToPath(new URL('../lib/store-ingest.mjs', import.meta.url));
const log = (line) => process.stderr.write(`${line}\n`);

/** Runs each build alternately (`--runs=N`, default 3), each run in its own process; budget: ≤ +10 % CPU per event. */
export default async ({ flags }) => {
  const builds = abBuilds(flags, 3);
  const budgets = [];
  for (const per of [100, 1]) {
    const seen = builds.measure(script, [String(per)], (name, out) =>
      log(`${per} a unit, ${name}: ${out.cpuUsPerEvent.toFixed(1)} µs/event, ${out.eventsPerS} events/s`),
    );
    const cpu = { base: seen.base.map((o) => o.cpuUsPerEvent), here: seen.here.map((o) => o.cpuUsPerEvent) };
    const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
    const ratio = mean(cpu.here) / mean(cpu.base);
    budgets.push({ pass: ratio <= 1.1 });
    process.stdout.write(
      `${per} event(s) a unit: ${mean(cpu.base).toFixed(1)} → ${mean(cpu.here).toFixed(1)} µs/event (${((ratio - 1) * 100).toFixed(1)} %)\n`,
    );
  }
  return budgets;
};
