import { defineConfig } from '@playwright/test';
import { BASE_ARGS, CHROMIUM, DESKTOP_UA, HEADLESS_DEFAULT, HUMAN_ARGS } from './e2e/support/browser.js';

/**
 * End-to-end specs: a real collector (packages/collector/dist/main.js), the built tracker, Debian's Chromium.
 * Run with `npx playwright test` after `npm run build`. Each spec file starts its own collector on a free port.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : 'list',
  use: { browserName: 'chromium' },
  projects: [
    {
      // A visitor's browser: a desktop Chrome user agent, navigator.webdriver false.
      name: 'chromium',
      grepInvert: new RegExp(HEADLESS_DEFAULT),
      use: { userAgent: DESKTOP_UA, launchOptions: { executablePath: CHROMIUM, args: HUMAN_ARGS } },
    },
    {
      // Chromium as automation leaves it: HeadlessChrome user agent, navigator.webdriver true.
      name: 'headless-default',
      grep: new RegExp(HEADLESS_DEFAULT),
      use: { launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } },
    },
  ],
});
