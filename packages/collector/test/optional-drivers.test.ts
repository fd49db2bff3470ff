import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, tempDir, testDb, testLog, testStore } from './support/collector.js';
import { spawnCollectorProcess } from './support/collector-process.js';
import { logEnv } from './support/log-mode.js';

const recorder = new URL('./support/record-imports.mjs', import.meta.url).href;

/** The drivers that must (and must not) be loaded, by what the collector is configured with. */
const drivers = {
  sqlite: /\/node_modules\/better-sqlite3\//,
  pg: /\/node_modules\/pg\//,
  nats: /\/node_modules\/@nats-io\//,
  postgresAdapter: /\/dist\/store\/postgres\//,
  // Its settings are read by config.ts on every collector; the rest of event-log/ is the NATS side.
  eventLog: /\/dist\/event-log\/(?!event-log-config\.js)/,
};

/**
 * Issue #17: `pg` and the NATS client are loaded with a dynamic import() only when configured. The built collector
 * runs as a real process with a resolve hook that writes down every module it loads; each Vitest project checks its
 * own configuration (SQLite; PostgreSQL; PostgreSQL behind the event log), so each one also sees a driver loaded.
 */
describe('optional drivers', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it(`loads only the drivers its configuration names (${testLog ? 'event log' : testStore})`, async () => {
    const dbPath = join(dir.path, 'drivers.db');
    const importsFile = join(dir.path, 'imports.txt');
    const collector = await spawnCollectorProcess(
      {
        TRACKLET_DB: await testDb(dbPath),
        ...logEnv(dbPath),
        NODE_OPTIONS: `--import ${recorder}`,
        TRACKLET_TEST_IMPORTS_FILE: importsFile,
      },
      { quiet: true },
    );
    try {
      expect((await call(`${collector.url}/readyz`)).status).toBe(200);
    } finally {
      await collector.stop();
    }
    const loaded = readFileSync(importsFile, 'utf8').split('\n');
    const loads = (pattern: RegExp) => loaded.some((url) => pattern.test(url));
    expect(loads(drivers.sqlite)).toBe(true);
    expect(loads(drivers.pg)).toBe(testStore === 'postgres');
    expect(loads(drivers.postgresAdapter)).toBe(testStore === 'postgres');
    expect(loads(drivers.nats)).toBe(testLog);
    expect(loads(drivers.eventLog)).toBe(testLog);
  });
});
