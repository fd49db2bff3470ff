// Prints the gzip size of each build against its budget; exits 1 when one is over.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** @type {Record<string, number>} */
/**
 * t.js is the core tag (the product's 3 KB promise). t.full.js and the npm build carry the optional automatic events
 * (issue #22); the npm build also carries the misuse checks and keeps its whitespace (Vite's ES library output is not
 * whitespace-minified, to keep it tree-shakeable), so it gets 4.5 KB.
 */
export const budgets = { 't.js': 3072, 't.full.js': 4096, 'index.js': 4608 };

/** @param {string} file */
export const gzipSize = (file) =>
  gzipSync(readFileSync(new URL(`../dist/${file}`, import.meta.url)), { level: 9 }).length;

if (import.meta.url === `file://${process.argv[1]}`) {
  let over = false;
  for (const [file, max] of Object.entries(budgets)) {
    const size = gzipSize(file);
    over ||= size > max;
    console.log(`dist/${file}: ${size} B gzip (budget ${max} B)${size > max ? '  OVER' : ''}`);
  }
  process.exit(over ? 1 : 0);
}
