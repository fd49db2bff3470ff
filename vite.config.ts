import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const collectorTests = 'packages/collector/test/**/*.test.ts';
const exclude = ['e2e/**', '**/node_modules/**', '**/dist/**'];

/**
 * Vitest for unit and integration tests; Playwright specs in e2e/ run separately (npm run test:e2e). The collector's
 * suite runs twice, once per store: `sqlite` (temp files) and `postgres` (a real PostgreSQL server started by the
 * globalSetup, one fresh database per collector); `postgres-*.test.ts` need PostgreSQL and run only there. Every
 * other package's tests run once, in `packages`.
 */
export default defineConfig({
  resolve: { alias: { '@tracklet/protocol': src('protocol') } },
  test: {
    // No include here: `extends: true` would add it to every project, running the tracker's tests three times.
    exclude,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: [collectorTests], exclude: [...exclude, 'packages/collector/test/**/postgres-*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [collectorTests],
          env: { TRACKLET_TEST_STORE: 'postgres' },
          globalSetup: ['packages/collector/test/support/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'packages',
          include: ['packages/*/test/**/*.test.ts', 'demo/test/**/*.test.ts'],
          exclude: [...exclude, 'packages/collector/**'],
        },
      },
    ],
  },
});
