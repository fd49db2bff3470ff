import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Vitest for unit and integration tests; Playwright specs in e2e/ run separately (npm run test:e2e). */
export default defineConfig({
  resolve: { alias: { '@tracklet/protocol': src('protocol') } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'demo/test/**/*.test.ts'],
    exclude: ['e2e/**', '**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
