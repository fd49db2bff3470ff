import { NPM_ONLY } from './support/browser.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';

const env = useCollector();

test.describe('demo checkout', { tag: NPM_ONLY }, () => {
  test('paying twice with the same order id stores one confirmation; the panel lists the duplicate_order discard', async ({
    page,
  }) => {
    const keys = env.collector.demoKeys();
    const demo = `${env.collector.url}/demo`;
    await page.goto(`${demo}/product/cap-03`);
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('nav-cart').click();
    await page.getByTestId('to-checkout').click();
    await page.getByTestId('order-id').fill('ORD-E2E-1');
    const answers = page.waitForResponse(
      async (r) => r.url().endsWith('/v1/collect') && (await r.text()).includes('"discarded"'),
    );
    await page.getByTestId('pay').click();
    await expect(page.getByTestId('pay')).toHaveText('Pay again (same order id)');
    await page.getByTestId('pay').click();
    // The second one is answered as discarded, in its own beacon or in the same one as the first.
    expect(await (await answers).json()).toMatchObject({
      results: expect.arrayContaining([{ index: expect.any(Number), status: 'discarded', reason: 'duplicate_order' }]),
    });

    const [confirmation] = await expectEvents(env.collector, keys.live, {
      query: { event: 'confirmation' },
      expected: [{ event: 'confirmation', amount: 18, data: { order_id: 'ORD-E2E-1', amount: 18, items: 1 } }],
      exactly: true,
    });
    expect(confirmation!.url).toBe(`${demo}/checkout`);
    await expect(page.getByTestId('discarded')).toContainText('confirmation — duplicate_order');
    await expect(page.getByTestId('event-table').locator('tr[data-event="confirmation"]')).toHaveCount(1);
  });
});
