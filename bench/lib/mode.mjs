import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateBudgets, toMarkdown } from './report.mjs';
import { runSuite, scales } from './suite.mjs';

/**
 * What the measuring modes share: run the suite for some stores at some scale, print the Markdown, write it to
 * bench/results.md (the full run) or bench/results-<mode>.md (a partial run, which must not overwrite the full one),
 * and the raw numbers to bench/.cache/results-<mode>.json.
 */
export async function measureAndReport({ mode, stores, quick, flags }) {
  const scale = quick ? scales.quick : scales.full;
  const results = await runSuite({ mode, stores, scale, flags });
  const budgets = evaluateBudgets(results);
  const markdown = toMarkdown(results, budgets);
  const file = fileURLToPath(new URL(mode === 'full' ? '../results.md' : `../results-${mode}.md`, import.meta.url));
  writeFileSync(file, markdown);
  mkdirSync(fileURLToPath(new URL('../.cache/', import.meta.url)), { recursive: true });
  writeFileSync(
    fileURLToPath(new URL(`../.cache/results-${mode}.json`, import.meta.url)),
    `${JSON.stringify({ results, budgets }, null, 2)}\n`,
  );
  process.stdout.write(`\n${markdown}\nwritten to ${file}\n`);
  return budgets;
}
