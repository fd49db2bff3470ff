// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { load, posted } from './support.js';

const hide = (): void => {
  Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
const show = (): void => {
  Object.defineProperty(document, 'hidden', { value: false, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
const act = (type = 'pointerdown'): void => void window.dispatchEvent(new Event(type));

const engagements = async () => {
  await vi.runAllTimersAsync();
  return posted(vi.mocked(fetch)).filter((e) => e.event == 'page_engagement');
};

describe('page engagement (issue #22)', () => {
  it('counts visible time after an interaction, at most 15 s past the last one, and reports it on hide', async () => {
    show();
    await load('https://shop.example/article', { engagement: true, autoPageViews: false });
    act();
    vi.advanceTimersByTime(4_000);
    act('keydown');
    vi.advanceTimersByTime(60_000); // idle: only 15 s of this counts
    hide();
    const [e] = await engagements();
    expect(e?.data).toEqual({ scroll_depth: expect.any(Number), engaged_ms: 19_000 });
    expect(e?.url).toBe('https://shop.example/article');
  });

  it('does not count time while the page is hidden', async () => {
    show();
    await load('https://shop.example/', { engagement: true, autoPageViews: false });
    act();
    vi.advanceTimersByTime(2_000);
    hide();
    vi.advanceTimersByTime(10_000);
    show();
    vi.advanceTimersByTime(1_000);
    act();
    vi.advanceTimersByTime(3_000);
    hide();
    expect((await engagements()).map((e) => e.data?.engaged_ms)).toEqual([2_000, 4_000]);
  });

  it('sends nothing for a visit with no interaction, unless engagement is "always"', async () => {
    show();
    await load('https://shop.example/', { engagement: true, autoPageViews: false });
    vi.advanceTimersByTime(5_000);
    hide();
    expect(await engagements()).toEqual([]);
    show();
    await load('https://shop.example/', { engagement: 'always', autoPageViews: false });
    hide();
    expect((await engagements()).map((e) => e.data?.engaged_ms)).toEqual([0]);
  });

  it('reports the page an SPA navigation leaves, with its URL, before the next page view', async () => {
    show();
    await load('https://shop.example/one', { engagement: true });
    act();
    vi.advanceTimersByTime(1_500);
    history.pushState({}, '', '/two');
    await vi.runAllTimersAsync();
    const events = posted(vi.mocked(fetch)).map((e) => [e.event, e.url]);
    expect(events).toEqual([
      ['page_view', 'https://shop.example/one'],
      ['page_engagement', 'https://shop.example/one'],
      ['page_view', 'https://shop.example/two'],
    ]);
  });
});
