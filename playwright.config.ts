import { defineConfig } from '@playwright/test';
import {
  BASE_ARGS,
  CHROMIUM,
  DESKTOP_UA,
  HEADLESS_DEFAULT,
  HUMAN_LAUNCH,
  NPM_ONLY,
  TAG_ONLY,
} from './e2e/support/browser.js';
import type { Build } from './e2e/support/site.js';

/** A visitor's browser: a desktop Chrome user agent, navigator.webdriver false. */
const human = { userAgent: DESKTOP_UA, launchOptions: HUMAN_LAUNCH };

/**
 * End-to-end specs: a real collector (packages/collector/dist/main.js), the built tracker, Debian's Chromium.
 * Run with `npx playwright test` after `npm run build`. Each spec file starts its own collector on a free port.
 * Every spec runs once per tracker build (projects `tag` and `npm`, the `build` option of support/test.ts), except
 * the ones tagged for one build (the queue stub is the tag's, the demo shop imports the npm build).
 */
export default defineConfig<{ build: Build }>({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : 'list',
  use: { browserName: 'chromium' },
  projects: [
    { name: 'tag', grepInvert: new RegExp(`${HEADLESS_DEFAULT}|${NPM_ONLY}`), use: { ...human, build: 'tag' } },
    { name: 'npm', grepInvert: new RegExp(`${HEADLESS_DEFAULT}|${TAG_ONLY}`), use: { ...human, build: 'npm' } },
    {
      // Chromium as automation leaves it: HeadlessChrome user agent, navigator.webdriver true.
      name: 'headless-default',
      grep: new RegExp(HEADLESS_DEFAULT),
      use: { build: 'tag', launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } },
    },
  ],
});
