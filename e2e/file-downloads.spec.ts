import { expectEvents } from './support/events.js';
import { test, useCollector } from './support/test.js';
import { settle, trackerReady } from './support/tracker.js';

const env = useCollector();

test('a click on a link to a file of a default extension is recorded as file_download', async ({ page, build }) => {
  const { keys, url } = await env.visit('file-downloads.html', build, { downloads: true, autoPageViews: false });
  await page.goto(url);
  await trackerReady(page);
  const download = page.waitForEvent('download');
  await page.click('#pdf');
  await download;
  await page.click('#md');
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'file_download', data: { url: `${url}/files/price-list.pdf` } }],
    exactly: true,
  });
});

test('a configured extension list replaces the default one', async ({ page, build }) => {
  const { keys, url } = await env.visit('file-downloads.html', build, { downloads: ['md'], autoPageViews: false });
  await page.goto(url);
  await trackerReady(page);
  await page.click('#md');
  await page.click('#pdf');
  await settle(page);
  await expectEvents(env.collector, keys.live, {
    expected: [{ event: 'file_download', data: { url: `${url}/files/notes.md` } }],
    exactly: true,
  });
});
