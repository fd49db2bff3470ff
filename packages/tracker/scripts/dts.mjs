// tsc emits declarations for the whole program (protocol included) into .types/; the public API needs two.
import { copyFileSync } from 'node:fs';

for (const f of ['index.d.ts', 'config.d.ts']) {
  copyFileSync(new URL(`../.types/tracker/src/${f}`, import.meta.url), new URL(`../dist/${f}`, import.meta.url));
}
