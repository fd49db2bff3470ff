import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    }),
  );
}

/** Tests that spawn dist/main.js must run the current source: rebuild protocol and collector when dist is stale. */
function ensureBuilt(): void {
  const main = join(root, 'packages/collector/dist/main.js');
  const sources = Math.max(
    newestMtime(join(root, 'packages/protocol/src')),
    newestMtime(join(root, 'packages/collector/src')),
  );
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  for (const workspace of ['@tracklet/protocol', '@tracklet/collector']) {
    execFileSync('npm', ['run', 'build', '-w', workspace], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** The postgres project's globalSetup: one real PostgreSQL server for the run, removed afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBuilt();
  const server = await startPostgresServer();
  project.provide('postgresUrl', server.url());
  return () => server.destroy();
}
