import { test as base } from '@playwright/test';
import { type Collector, createAccount, type Keys, startCollector } from './collector.js';
import { type Build, serveFixture, type Site, type TrackerOptions } from './site.js';

export { expect } from '@playwright/test';

/** Playwright's test with the `build` option: the `tag` and `npm` projects of playwright.config.ts set it. */
export const test = base.extend<{ build: Build }>({
  build: ['tag', { option: true }],
});

export type Visit = { keys: Keys; site: Site; url: string };

/**
 * One collector per spec file (beforeAll / afterAll), and `visit(fixture, build, options)`: a fresh account and
 * e2e/fixtures/<fixture> served from a second origin with that build of the tracker. Call it at the top of a file.
 */
export function useCollector() {
  let collector: Collector | undefined;
  const sites: Site[] = [];
  test.beforeAll(async () => {
    collector = await startCollector();
  });
  test.afterAll(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
    await collector?.stop();
  });
  const env = {
    get collector(): Collector {
      if (!collector) throw new Error('the collector starts in beforeAll');
      return collector;
    },
    /** Replaces the collector (the delivery spec restarts it on the same port and database). */
    set collector(c: Collector) {
      collector = c;
    },
    /**
     * A fresh account, and `fixture` served with `build` of the tracker. The batch window is 200 ms unless
     * `options.batchMs` says otherwise (`undefined`: the tracker's default, 1 s), to keep the suite quick.
     */
    async visit(fixture: string, build: Build, options: TrackerOptions = {}): Promise<Visit> {
      const c = env.collector;
      const keys = await createAccount(c);
      const site = await serveFixture(
        fixture,
        { COLLECTOR: c.url, KEY: keys.publishable },
        { build, options: { batchMs: 200, ...options } },
      );
      sites.push(site);
      return { keys, site, url: site.url };
    },
  };
  return env;
}
