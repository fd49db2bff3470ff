import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * The collector tests' kill -9 cycle runner (packages/collector/test/support/chaos.ts and the process spawner it
 * uses), reused as it is rather than copied: transpiled (types erased) into bench/.cache/support, with the spawner's
 * path to dist/main.js made absolute, since the copy lives elsewhere.
 */
const supportDir = fileURLToPath(new URL('../../packages/collector/test/support/', import.meta.url));
const mainJs = fileURLToPath(new URL('../../packages/collector/dist/main.js', import.meta.url));
const cacheDir = fileURLToPath(new URL('../.cache/support/', import.meta.url));

function transpile(name) {
  const source = `${supportDir}${name}.ts`;
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  const fixed = outputText.replace(
    "new URL('../../dist/main.js', import.meta.url)",
    `new URL(${JSON.stringify(pathToFileURL(mainJs).href)})`,
  );
  writeFileSync(
    `${cacheDir}${name}.js`,
    `// transpiled from packages/collector/test/support/${name}.ts by bench/lib/chaos.mjs\n${fixed}`,
  );
}

/** `{ runKillCycles }` of the test support. */
export async function chaosRunner() {
  mkdirSync(cacheDir, { recursive: true });
  transpile('collector-process');
  transpile('chaos');
  return import(pathToFileURL(`${cacheDir}chaos.js`).href);
}
