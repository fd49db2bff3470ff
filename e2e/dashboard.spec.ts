import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DESKTOP_UA, NPM_ONLY } from './support/browser.js';
import { createAccount, ROOT } from './support/collector.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { settle } from './support/tracker.js';

const env = useCollector();
const DAY = 86_400_000;

/** POST /v1/stats/query with a secret key: what the dashboard must show. */
async function stats(key: string, body: Record<string, unknown>) {
  const r = await fetch(`${env.collector.url}/v1/stats/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as { results: Array<{ metrics: number[] }> };
}

const signIn = async (page: Page, key: string, path = '/dashboard/') => {
  await page.goto(`${env.collector.url}${path}`);
  await page.fill('#key', key);
  await page.click('button[type=submit]');
};
const kpi = (page: Page, metric: string) => page.locator(`[data-metric="${metric}"]`);

test.describe('dashboard', { tag: NPM_ONLY }, () => {
  test.use({ viewport: { width: 1440, height: 1000 }, timezoneId: 'UTC' });

  test('shows the seeded traffic as the stats API counts it, filters by a click, keeps the view in the URL', async ({
    page,
    browser,
  }) => {
    test.setTimeout(120_000);
    const { keys, url } = await env.visit('tracker-page-view.html', 'npm');
    // Three visitors through the real tracker: two from the newsletter (one reads two pages), one direct who signs up.
    for (const [landing, next, signup] of [
      ['/?utm_source=newsletter', true, false],
      ['/?utm_source=newsletter', false, false],
      ['/', false, true],
    ] as const) {
      const context = await browser.newContext({ userAgent: DESKTOP_UA });
      const visitor = await context.newPage();
      await visitor.goto(url + landing);
      if (next) await visitor.click('#next');
      if (signup)
        await visitor.evaluate(() =>
          (window as unknown as { tracker: { track(e: string): void } }).tracker.track('signup'),
        );
      await settle(visitor);
      await context.close();
    }
    // And one customer known to the server API alone, 40 days ago: outside the last 30 days, inside 12 months.
    await fetch(`${env.collector.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.live}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'signup', contact_email: 'old@example.com', timestamp: Date.now() - 40 * DAY }),
    });
    await expectEvents(env.collector, keys.live, {
      query: { event: 'page_view' },
      expected: Array(4).fill({ event: 'page_view' }),
    });
    const api = await stats(keys.live, { metrics: ['visitors', 'pageviews'], date_range: '30d' });
    expect(api.results[0]!.metrics).toEqual([3, 4]);

    await signIn(page, keys.live);
    await expect(kpi(page, 'visitors')).toHaveText(String(api.results[0]!.metrics[0]));
    await expect(kpi(page, 'pageviews')).toHaveText('4');
    await expect(page.locator('[data-goal="signup"]')).toBeVisible();

    // A row is a filter: every panel narrows to the newsletter's two visitors, and the URL says so.
    await page.locator('[data-panel="Sources"]').getByRole('tab', { name: 'UTM source' }).click();
    const newsletter = page.locator('[data-panel="Sources"] .row', { hasText: 'newsletter' });
    await newsletter.focus();
    await page.keyboard.press('Enter');
    await expect(kpi(page, 'visitors')).toHaveText('2');
    await expect(page).toHaveURL(/f=visit%3Autm_source%7Cnewsletter/);
    await page.reload();
    await expect(kpi(page, 'visitors')).toHaveText('2');
    await page.getByRole('button', { name: /Remove the filter/ }).click();
    await expect(kpi(page, 'visitors')).toHaveText('3');

    // A longer range takes in the server-API customer of 40 days ago.
    await page.selectOption('#range', '12mo');
    await expect(kpi(page, 'visitors')).toHaveText('4');
    await expect(page).toHaveURL(/range=12mo/);

    // With a live key, a goal opens the people behind it.
    await page.locator('[data-goal="signup"] .people').click();
    await expect(page.getByRole('dialog')).toContainText('old@example.com');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    // The top graph's chart library loads beside the first queries (panels/top-graph.tsx): it draws all the same.
    await expect(page.locator('.chart canvas')).toBeVisible();
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs/dashboard.png'), fullPage: true });

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 800 });
    await expect(kpi(page, 'visitors')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // And the graph is drawn again at the phone's width, not cut from the desktop's.
    await expect
      .poll(() => page.locator('.chart canvas').evaluate((c) => c.getBoundingClientRect().right))
      .toBeLessThanOrEqual(375);
  });

  test('a share link opens the aggregate dashboard without a key, no people behind numbers, and dies when revoked', async ({
    page,
  }) => {
    const keys = await createAccount(env.collector, 'shared');
    await fetch(`${env.collector.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.live}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'signup', contact_email: 'shared@example.com' }),
    });
    // The owner makes the link in the dashboard itself.
    await signIn(page, keys.live);
    await page.getByRole('button', { name: 'Make a share link' }).click();
    const link = await page.locator('.share input').inputValue();
    expect(link).toMatch(new RegExp(`^${env.collector.url}/dashboard/s/tk_share_`));
    await page.evaluate(() => sessionStorage.clear());

    await page.goto(link);
    await expect(kpi(page, 'visitors')).toHaveText('1');
    await expect(page.locator('[data-goal="signup"]')).toBeVisible();
    await expect(page.locator('.people')).toHaveCount(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    const shares = (await (
      await fetch(`${env.collector.url}/v1/stats/shares`, { headers: { authorization: `Bearer ${keys.live}` } })
    ).json()) as Array<{ id: number }>;
    for (const s of shares)
      await fetch(`${env.collector.url}/v1/stats/shares/${s.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${keys.live}` },
      });
    await page.reload();
    await expect(page.getByRole('heading', { name: 'This dashboard link does not work' })).toBeVisible();
  });

  test("shows the account's days and hours and says which zone, whatever the browser's zone", async ({ browser }) => {
    // The browser is in Tokyo, the account in Los Angeles: 2026-11-11 07:30 UTC is 23:30 on the 10th for the account,
    // 16:30 on the 11th for the browser and the 11th in UTC.
    const keys = await createAccount(env.collector, 'pacific', { timezone: 'America/Los_Angeles' });
    for (const email of ['a@example.com', 'b@example.com'])
      await fetch(`${env.collector.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.live}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'signup', contact_email: email, timestamp: '2026-11-11T07:30:00Z' }),
      });
    const day = { metrics: ['visitors'], date_range: ['2026-11-10', '2026-11-10'] };
    expect((await stats(keys.live, day)).results[0]!.metrics).toEqual([2]);
    expect((await stats(keys.live, { ...day, timezone: 'UTC' })).results[0]!.metrics).toEqual([0]);

    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, keys.live, '/dashboard/?range=2026-11-10,2026-11-10');
    await expect(page.locator('.tz')).toHaveText('Times in America/Los_Angeles');
    await expect(kpi(page, 'visitors')).toHaveText('2');
    // The hourly series is the account's hours: both visitors at 23:00 on the 10th.
    const graph = page.locator('[data-panel="Graph"]');
    await expect(graph).toHaveAttribute('data-state', 'ready');
    await graph.locator('summary').click();
    await expect(graph.locator('tr', { hasText: '2026-11-10 23:00:00' })).toContainText('2');
    await context.close();
  });

  test('an account without events shows the snippet to paste', async ({ page }) => {
    const keys = await createAccount(env.collector, 'empty');
    await signIn(page, keys.live);
    await expect(page.getByText('No events yet')).toBeVisible();
    await expect(page.locator('.empty-state code')).toContainText(`${env.collector.url}/t.js`);
  });

  test('a wrong key is refused with the reason as text, and the key is not kept', async ({ page }) => {
    await signIn(page, 'tk_live_not-a-real-key');
    await expect(page.locator('.error')).toBeVisible();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
