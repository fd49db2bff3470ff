import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const cacheDir = fileURLToPath(new URL('../.cache/', import.meta.url));

/**
 * Imports a TypeScript module of the repository that has no imports of its own (types erased, nothing else), as
 * lib/postgres.mjs does for the PostgreSQL fixture: Node 20 runs no TypeScript, and the bench reuses, not copies.
 */
export async function importTypeScript(url) {
  const source = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  mkdirSync(cacheDir, { recursive: true });
  const target = `${cacheDir}${basename(source, '.ts')}.mjs`;
  writeFileSync(target, `// transpiled from ${source} by bench/lib/typescript-import.mjs\n${outputText}`);
  return import(pathToFileURL(target).href);
}
