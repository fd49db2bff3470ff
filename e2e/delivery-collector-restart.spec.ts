import { startCollector } from './support/collector.js';
import { expectEvents } from './support/events.js';
import { expect, test, useCollector } from './support/test.js';
import { queued, settle, tracklet } from './support/tracker.js';

const env = useCollector();

test('events queued while the collector is down are delivered once after it restarts, from the persisted queue', async ({
  context,
  build,
}) => {
  const { keys, url } = await env.visit('delivery-collector-restart.html', build);
  const before = await context.newPage();
  await before.goto(`${url}/`);
  await settle(before);

  const { port, dir, adminToken } = env.collector;
  await env.collector.stop({ keep: true });
  const failed = before.waitForEvent('requestfailed', (r) => r.url().endsWith('/v1/collect'));
  await tracklet(before, 'track', 'while_down', { attempt: 1 });
  await tracklet(before, 'flush');
  await failed;
  expect(await queued(before)).toBe(1);
  // The tab is closed before the collector is back: only localStorage still has the event.
  await before.close({ runBeforeUnload: true });

  env.collector = await startCollector({ port, dir, adminToken });
  const after = await context.newPage();
  await after.goto(`${url}/back`);
  await settle(after);
  await expectEvents(env.collector, keys.live, {
    expected: [
      { event: 'page_view', url: `${url}/` },
      { event: 'while_down', data: { attempt: 1 } },
      { event: 'page_view', url: `${url}/back` },
    ],
    exactly: true,
  });
});
