import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flagValue } from './flags.mjs';

const here = fileURLToPath(new URL('../..', import.meta.url));

/**
 * This checkout against `--base=<built checkout>`, alternately, `--runs=N` times (default `defaultRuns`): `measure`
 * runs `node <script> <checkout root> ...args` in a process of its own per run and parses the JSON it prints, and
 * answers `{ base: [...], here: [...] }` in run order; `onRun(name, out)` sees each as it comes (the log).
 */
export function abBuilds(flags, defaultRuns) {
  const base = flagValue(flags, 'base');
  if (!base) throw new Error('give --base=<path of a built checkout without the change>, e.g. a `git worktree` of it');
  const runs = Number(flagValue(flags, 'runs') ?? defaultRuns);
  return {
    measure(script, args, onRun) {
      const seen = { base: [], here: [] };
      for (let r = 0; r < runs; r++)
        for (const [name, root] of [
          ['base', base],
          ['here', here],
        ]) {
          const out = JSON.parse(
            execFileSync(process.execPath, [script, root, ...args], {
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'inherit'],
            }),
          );
          seen[name].push(out);
          onRun(name, out);
        }
      return seen;
    },
  };
}
