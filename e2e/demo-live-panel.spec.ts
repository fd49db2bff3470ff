import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NPM_ONLY } from './support/browser.js';
import { ROOT } from './support/collector.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';

const env = useCollector();

// The demo shop is served by the collector itself at /demo/ (same origin) and imports the npm build.
test.describe('demo live panel', { tag: NPM_ONLY }, () => {
  test.use({ viewport: { width: 1400, height: 860 } });

  test('shows what the collector stored while a visitor shops, pays (twice) and logs in (docs/demo.png)', async ({
    page,
  }) => {
    const keys = env.collector.demoKeys();
    await page.goto(`${env.collector.url}/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=november`);
    await page.getByTestId('product-mug-01').click();
    await page.getByTestId('add-to-cart').click();
    await page.getByRole('link', { name: 'Products' }).click();
    await page.getByTestId('product-tee-02').click();
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('nav-cart').click();
    await page.getByTestId('to-checkout').click();
    await page.getByTestId('pay').click();
    await expect(page.getByTestId('paid')).toBeVisible();
    await page.getByTestId('pay').click(); // "Pay again": the panel lists the discarded duplicate
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByTestId('login-email').fill('ada@example.com');
    await page.getByPlaceholder('Name (optional)').fill('Ada');
    await page.getByTestId('login').click();

    await expectEvents(env.collector, keys.live, {
      expected: [
        {
          event: 'page_view',
          url: `${env.collector.url}/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=november`,
        },
        { event: 'add_to_cart', data: { sku: 'mug-01', name: 'Tracklet mug', price: 12.5 } },
        { event: 'add_to_cart', data: { sku: 'tee-02', name: 'Beacon T-shirt', price: 24 } },
        { event: 'confirmation', amount: 36.5 },
        { event: 'login', data: { email: 'ada@example.com', name: 'Ada' } },
      ],
    });
    const panel = page.getByTestId('live-panel');
    const table = page.getByTestId('event-table');
    for (const event of ['page_view', 'add_to_cart', 'confirmation', 'login']) {
      await expect(table.locator(`tr[data-event="${event}"]`).first()).toBeVisible();
    }
    await expect(page.getByTestId('profile-email')).toHaveText('ada@example.com');
    await expect(panel).toContainText('newsletter');
    await expect(page.getByTestId('discarded')).toContainText('confirmation — duplicate_order');
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs/demo.png') });
    // The panel links to the demo account's dashboard: a share link, no key needed.
    await page.getByTestId('dashboard-link').click();
    await expect(page.locator('[data-metric="visitors"]')).toHaveText('1');
  });
});
