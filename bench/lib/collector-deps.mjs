import { createRequire } from 'node:module';

/**
 * Loads a package the way the collector resolves it (fastify, pg, better-sqlite3), so the bench runs the very
 * versions the collector runs without declaring them again at the root.
 */
export const collectorRequire = createRequire(new URL('../../packages/collector/package.json', import.meta.url));
