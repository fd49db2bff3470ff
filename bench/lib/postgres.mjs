import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * The collector tests' PostgreSQL fixture (packages/collector/test/support/postgres.ts: initdb + pg_ctl on a temp
 * directory, a free loopback port, fsync on), reused as it is rather than copied. It is TypeScript and Node 20 runs
 * no TypeScript, so it is transpiled (types erased, nothing else) into bench/.cache and imported from there, where
 * its `pg` import resolves to the workspace's own.
 */
const source = fileURLToPath(new URL('../../packages/collector/test/support/postgres.ts', import.meta.url));
const cacheDir = fileURLToPath(new URL('../.cache/', import.meta.url));

let loaded;

/** `{ startPostgresServer, createDatabase }` of the test fixture. */
export function postgresFixture() {
  loaded ??= (async () => {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: source,
    });
    mkdirSync(cacheDir, { recursive: true });
    const target = `${cacheDir}postgres-fixture.mjs`;
    writeFileSync(
      target,
      `// transpiled from packages/collector/test/support/postgres.ts by bench/lib/postgres.mjs\n${outputText}`,
    );
    return import(pathToFileURL(target).href);
  })();
  return loaded;
}
