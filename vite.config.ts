import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const collectorTests = 'packages/collector/test/**/*.test.ts';
const exclude = ['e2e/**', '**/node_modules/**', '**/dist/**'];
const clusterTests = 'packages/collector/test/cluster/**';
/**
 * Collector tests the cluster project leaves out: they test single-node internals the event log does not use.
 * - group-commit: the store's group committer, called directly (no HTTP, no log).
 * - kill-9, durability, graceful-shutdown: SIGKILL / SIGTERM of one collector process and its own write queue (they
 *   spawn dist/main.js without a log); test/cluster/ kills writers and NATS nodes instead.
 * - postgres-*: the PostgreSQL adapter itself (migration races, two direct writers' locks, a cut writer connection,
 *   an outage of the direct write path); test/cluster/ has the log-mode outage.
 * - sqlite-disk: SQLite only.
 * - segment-restart: SIGKILL of one collector process (dist/main.js without a log) under a Segment client's flush.
 * - webhooks-kill-9: SIGKILL of one collector process mid-delivery of webhooks (issue #21).
 * - cli: the command line works on the store itself (TRACKLET_DB), never through the log, and the cluster project's
 *   store is the postgres project's PostgreSQL: 13 s of CI time for the same statements again.
 * - webhook-fan-out: the webhook outbox's SQL on the store itself, the same PostgreSQL as the postgres project's.
 */
const singleNodeOnly = [
  'group-commit',
  'kill-9',
  'durability',
  'graceful-shutdown',
  'postgres-*',
  'sqlite-disk',
  'segment-restart',
  'webhooks-kill-9',
  'cli',
  'webhook-fan-out',
].map((name) => `packages/collector/test/${name}.test.ts`);

/**
 * Collector tests that never open a store (pure functions: validators, hashes, mappings, output shapes): they run in
 * the `sqlite` project only, since the other two would run the very same code again.
 */
const storeless = [
  'auth-version-reads',
  'enrich-country',
  'event-output',
  'ids',
  'ingest-load',
  'normalize-touches',
  'quick-beacon-event',
  'request-hash',
  'segment-mapping',
  'top-visitors',
  'visit-deltas',
  'visitor-ids',
  'when-log-answers',
].map((name) => `packages/collector/test/${name}.test.ts`);

/**
 * Vitest for unit and integration tests; Playwright specs in e2e/ run separately (npm run test:e2e). The collector's
 * suite runs twice, once per store: `sqlite` (temp files) and `postgres` (a real PostgreSQL server started by the
 * globalSetup, one fresh database per collector); `postgres-*.test.ts` need PostgreSQL and run only there. `cluster`
 * (issue #8) runs it in log mode — PostgreSQL plus a 3-node NATS JetStream cluster, a stream and an in-process log
 * writer per collector — together with test/cluster/ (multi-process collectors and writers, kill -9, node loss).
 * Every other package's tests run once, in `packages`.
 */
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@tracklet\/protocol\/([\w-]+)$/,
        replacement: fileURLToPath(new URL('./packages/protocol/src/$1.ts', import.meta.url)),
      },
      { find: '@tracklet/protocol', replacement: src('protocol') },
    ],
  },
  test: {
    // No include here: `extends: true` would add it to every project, running the tracker's tests three times.
    exclude,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The collector's files share a worker's loaded modules (isolate off): each file used to import Fastify, the
    // stores and the pipeline afresh, a third of the suite's time. Tests that mock a module load it afresh
    // (vi.resetModules, see key-lookup.test.ts). The tracker's tests (`packages`) keep isolation: they stub globals.
    isolate: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: [collectorTests],
          exclude: [...exclude, clusterTests, 'packages/collector/test/**/postgres-*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [collectorTests],
          exclude: [...exclude, clusterTests, ...storeless],
          env: { TRACKLET_TEST_STORE: 'postgres' },
          globalSetup: ['packages/collector/test/support/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: [collectorTests],
          exclude: [...exclude, ...singleNodeOnly, ...storeless],
          env: { TRACKLET_TEST_STORE: 'cluster' },
          globalSetup: [
            'packages/collector/test/support/postgres-global-setup.ts',
            'packages/collector/test/support/nats-global-setup.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'packages',
          isolate: true,
          include: ['packages/*/test/**/*.test.ts', 'demo/test/**/*.test.ts'],
          exclude: [...exclude, 'packages/collector/**'],
        },
      },
    ],
  },
});
