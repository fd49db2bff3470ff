// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { collector, goTo, load, posted, useFetch } from './support.js';

/** Clicks an element added to the page, as a visitor would; then back on the page (happy-dom follows links). */
const click = (html: string, button = 0): void => {
  const here = location.href;
  document.body.innerHTML = html;
  const el = document.body.firstElementChild!.querySelector('[data-target]') ?? document.body.firstElementChild!;
  el.dispatchEvent(new MouseEvent(button == 1 ? 'auxclick' : 'click', { bubbles: true, button }));
  goTo(here);
};

const sent = async (name: string) => {
  await vi.runAllTimersAsync();
  return posted(vi.mocked(fetch)).filter((e) => e.event == name);
};

describe('automatic click events (issue #22)', () => {
  it('sends a tagged element’s event with its data-tracklet-prop-* properties, dashes as underscores', async () => {
    await load('https://shop.example/', { tagged: true, autoPageViews: false });
    click(
      '<button data-tracklet-event="signup" data-tracklet-prop-plan="pro" data-tracklet-prop-seat-count="3">Go</button>',
    );
    expect((await sent('signup')).map((e) => e.data)).toEqual([{ plan: 'pro', seat_count: '3' }]);
  });

  it('finds the tagged element from a click on its child', async () => {
    await load('https://shop.example/', { tagged: true, autoPageViews: false });
    click('<div data-tracklet-event="card_open"><span data-target>inner</span></div>');
    expect(await sent('card_open')).toHaveLength(1);
  });

  it('sends outbound_click for a link to another host, also on a middle click, and nothing for one of this host', async () => {
    await load('https://shop.example/', { outbound: true, autoPageViews: false });
    click('<a href="https://elsewhere.example/page?x=1">out</a>');
    click('<a href="https://elsewhere.example/middle">out</a>', 1);
    click('<a href="/about">in</a>');
    click('<a href="mailto:a@b.co">mail</a>');
    expect((await sent('outbound_click')).map((e) => e.data)).toEqual([
      { url: 'https://elsewhere.example/page?x=1' },
      { url: 'https://elsewhere.example/middle' },
    ]);
  });

  it('sends file_download for a default extension, on any host, and not outbound_click as well', async () => {
    await load('https://shop.example/', { outbound: true, downloads: true, autoPageViews: false });
    click('<a href="/files/price-list.PDF">pdf</a>');
    click('<a href="https://cdn.example/app.zip">zip</a>');
    click('<a href="/files/notes.md">md</a>');
    expect((await sent('file_download')).map((e) => e.data)).toEqual([
      { url: 'https://shop.example/files/price-list.PDF' },
      { url: 'https://cdn.example/app.zip' },
    ]);
    expect(await sent('outbound_click')).toEqual([]);
  });

  it('takes a configured extension list instead of the default one', async () => {
    await load('https://shop.example/', { downloads: ['md'], autoPageViews: false });
    click('<a href="/files/notes.md">md</a>');
    click('<a href="/files/price-list.pdf">pdf</a>');
    expect((await sent('file_download')).map((e) => e.data)).toEqual([{ url: 'https://shop.example/files/notes.md' }]);
  });

  it('sends nothing for clicks when the features are off', async () => {
    await load('https://shop.example/', { autoPageViews: false });
    click('<a href="https://elsewhere.example/" data-tracklet-event="x">out</a>');
    click('<a href="/a.pdf">pdf</a>');
    await vi.runAllTimersAsync();
    expect(posted(vi.mocked(fetch))).toEqual([]);
  });
});

describe('not found pages (issue #22)', () => {
  it('sends not_found {path} with the page view of page({ status: 404 })', async () => {
    const t = await load('https://shop.example/missing?x=1', { autoPageViews: false });
    t.page({ status: 404 });
    expect((await sent('page_view')).map((e) => e.data)).toEqual([{ status: 404 }]);
    expect((await sent('not_found')).map((e) => e.data)).toEqual([{ path: '/missing' }]);
  });

  it('sends not_found with the automatic page view when notFound is set', async () => {
    useFetch(collector());
    await load('https://shop.example/gone', { notFound: true });
    expect((await sent('not_found')).map((e) => e.data)).toEqual([{ path: '/gone' }]);
  });
});
