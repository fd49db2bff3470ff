// Prints the gzip size of each build against its budget; exits 1 when one is over.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/** @type {Record<string, number>} */
export const budgets = { 't.js': 3072, 'index.js': 4096 };

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
