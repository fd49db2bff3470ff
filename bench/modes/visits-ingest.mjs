import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flagValue } from '../lib/flags.mjs';

export const description =
  'the visits write of issue #18: CPU per event through the SQLite store, this build against --base=<checkout> (built)';

const script = fileURLToPath(new URL('../lib/store-ingest.mjs', import.meta.url));
const here = fileURLToPath(new URL('../..', import.meta.url));
const log = (line) => process.stderr.write(`${line}\n`);

/** Runs each build alternately (`--runs=N`, default 3), each run in its own process; budget: ≤ +10 % CPU per event. */
export default async ({ flags }) => {
  const base = flagValue(flags, 'base');
  if (!base)
    throw new Error('give --base=<path of a built checkout without the change>, e.g. a `git worktree` of main');
  const runs = Number(flagValue(flags, 'runs') ?? 3);
  const budgets = [];
  for (const per of [100, 1]) {
    const cpu = { base: [], here: [] };
    for (let r = 0; r < runs; r++)
      for (const [name, root] of [
        ['base', base],
        ['here', here],
      ]) {
        const out = JSON.parse(
          execFileSync(process.execPath, [script, root, String(per)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          }),
        );
        cpu[name].push(out.cpuUsPerEvent);
        log(`${per} a unit, ${name}: ${out.cpuUsPerEvent.toFixed(1)} µs/event, ${out.eventsPerS} events/s`);
      }
    const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
    const ratio = mean(cpu.here) / mean(cpu.base);
    budgets.push({ pass: ratio <= 1.1 });
    process.stdout.write(
      `${per} event(s) a unit: ${mean(cpu.base).toFixed(1)} → ${mean(cpu.here).toFixed(1)} µs/event (${((ratio - 1) * 100).toFixed(1)} %)\n`,
    );
  }
  return budgets;
};
