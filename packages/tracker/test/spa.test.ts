// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { collector, goTo, load, posted, useFetch } from './support.js';

const pageshow = (persisted: boolean) =>
  Object.defineProperty(new Event('pageshow'), 'persisted', { value: persisted });

const views = (f: ReturnType<typeof collector>) =>
  posted(f)
    .filter((e) => e.event == 'page_view')
    .map((e) => e.url);

describe('page views', () => {
  it('sends one page_view on load with url, title and referrer', async () => {
    const f = useFetch(collector());
    document.title = 'Shop';
    await load('https://shop.example/a', {}, 'https://google.com/');
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted(f)).toMatchObject([
      { event: 'page_view', url: 'https://shop.example/a', title: 'Shop', referrer: 'https://google.com/' },
    ]);
  });

  it('sends a page_view per pushState to a new URL, never two for the same URL in a row', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/a');
    history.pushState({}, '', '/b');
    history.pushState({}, '', '/b');
    history.pushState({}, '', '/c?x=1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/c?x=1']);
  });

  it('gives an SPA page_view the previous URL as referrer', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/a', {}, 'https://google.com/');
    history.pushState({}, '', '/b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted(f)[1]).toMatchObject({ url: 'https://shop.example/b', referrer: 'https://shop.example/a' });
  });

  it('counts replaceState only when the path changes', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/list');
    history.replaceState({}, '', '/list?sort=price');
    history.replaceState({}, '', '/item');
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/list', 'https://shop.example/item']);
  });

  it('sends a page_view on popstate to another URL', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/a');
    history.pushState({}, '', '/b');
    goTo('https://shop.example/a'); // the browser's back button: the URL changes, then popstate
    window.dispatchEvent(new PopStateEvent('popstate'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/a', 'https://shop.example/b', 'https://shop.example/a']);
  });

  it('ignores hash changes unless hash routing is on', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/');
    history.pushState({}, '', '#/cart');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/']);
  });

  it('sends a page_view per hash route with hash routing', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/', { hashRouting: true });
    location.hash = '#/cart';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/', 'https://shop.example/#/cart']);
  });

  it('sends a page_view when the page comes back from the back/forward cache', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/a');
    window.dispatchEvent(pageshow(true));
    window.dispatchEvent(pageshow(false));
    await vi.advanceTimersByTimeAsync(1000);
    expect(views(f)).toEqual(['https://shop.example/a', 'https://shop.example/a']);
  });

  it('gives a page_view after a back/forward cache restore document.referrer, not the page itself', async () => {
    const f = useFetch(collector());
    await load('https://shop.example/a', {}, 'https://google.com/');
    history.pushState({}, '', '/b');
    window.dispatchEvent(pageshow(true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted(f).map((e) => [e.url, e.referrer])).toEqual([
      ['https://shop.example/a', 'https://google.com/'],
      ['https://shop.example/b', 'https://shop.example/a'],
      ['https://shop.example/b', 'https://google.com/'],
    ]);
  });

  it('sends no automatic page_view with autoPageViews false, but page() still sends one', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/a', { autoPageViews: false });
    history.pushState({}, '', '/b');
    t.page({ section: 'b' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted(f)).toMatchObject([{ event: 'page_view', url: 'https://shop.example/b', data: { section: 'b' } }]);
  });
});
