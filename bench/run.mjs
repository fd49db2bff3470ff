#!/usr/bin/env node
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopAllChildren } from './lib/processes.mjs';

/**
 * `npm run bench [-- MODE [ARGS…]] [-- --cpu-prof] [--strace]`. A mode is a file in bench/modes/ that default-exports
 * `async ({ args, flags }) => budgets | undefined` and exports a one-line `description`; a new mode (chaos,
 * cluster, …) is a new file there. The exit code is 1 when a budget the mode evaluated failed.
 */
const modesDir = fileURLToPath(new URL('./modes/', import.meta.url));
const modes = readdirSync(modesDir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort();

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const [modeName = 'full', ...args] = argv.filter((a) => !a.startsWith('--'));

async function usage() {
  const lines = await Promise.all(
    modes.map(
      async (m) => `  ${m.padEnd(10)} ${(await import(pathToFileURL(`${modesDir}${m}.mjs`).href)).description ?? ''}`,
    ),
  );
  return [
    'usage: npm run bench [-- MODE] [--cpu-prof] [--strace] [--only=…]',
    '',
    'modes:',
    ...lines,
    '',
    'flags:',
    '  --cpu-prof     run each collector with node --cpu-prof (bench/profiles/<store>/) and list its hot functions',
    '  --strace       run each collector under strace -f -c -w -e trace=fdatasync,fsync and print the counts',
    '  --only=A,B     only these passes against the stores: beacon1, beacon100, events, list-event, list-contact, list-recent',
  ].join('\n');
}

if (flags.has('--help') || !modes.includes(modeName)) {
  process.stderr.write(`${modes.includes(modeName) ? '' : `unknown mode "${modeName}"\n\n`}${await usage()}\n`);
  process.exit(flags.has('--help') ? 0 : 2);
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopAllChildren();
    process.exit(130);
  });

try {
  const mode = await import(pathToFileURL(`${modesDir}${modeName}.mjs`).href);
  const budgets = await mode.default({ args, flags });
  process.exitCode = Array.isArray(budgets) && budgets.some((b) => !b.pass) ? 1 : 0;
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 2;
} finally {
  stopAllChildren();
}
