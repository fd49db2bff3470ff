// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { collector, load, posted, stored, useFetch } from './support.js';

const LANDING =
  'https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=launch&GCLID=g1&fbclid=f1&ScCid=s1&q=x';

describe('attribution', () => {
  it('reads UTM tags and click ids (any case) from the landing URL onto each event', async () => {
    const f = useFetch(collector());
    const t = await load(LANDING, {}, 'https://google.com/search');
    t.track('signup');
    await t.flush();
    const touch = {
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'launch',
      click_ids: { gclid: 'g1', fbclid: 'f1', sccid: 's1' },
    };
    for (const e of posted(f)) {
      expect(e).toMatchObject(touch);
      expect(e.first_touch).toMatchObject({ ...touch, referrer: 'https://google.com/search', url: LANDING });
      expect(e.last_touch).toEqual(e.first_touch);
    }
    expect(posted(f)[0]!.first_touch!.click_ids).not.toHaveProperty('q');
  });

  it('keeps the first touch and replaces the last touch when a new landing has attribution', async () => {
    await load('https://shop.example/?utm_source=first');
    const first = stored('f');
    vi.advanceTimersByTime(60_000);
    await load('https://shop.example/?utm_source=second&msclkid=m');
    expect(stored('f')).toEqual(first);
    expect(stored('l')).toMatchObject({ utm_source: 'second', click_ids: { msclkid: 'm' }, at: Date.now() });
  });

  it('keeps the last touch on a landing without attribution', async () => {
    await load('https://shop.example/?utm_source=ad');
    const last = stored('l');
    await load('https://shop.example/about', {}, 'https://shop.example/');
    expect(stored('l')).toEqual(last);
  });

  it('takes a referrer from another site as attribution', async () => {
    await load('https://shop.example/?utm_source=ad');
    await load('https://shop.example/post', {}, 'https://news.ycombinator.com/');
    expect(stored('l')).toMatchObject({ referrer: 'https://news.ycombinator.com/', url: 'https://shop.example/post' });
    expect(stored('l')).not.toHaveProperty('utm_source');
  });

  it('excludes self-referrals from the touch, but keeps the page_view referrer', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/b', {}, 'https://shop.example/a');
    await t.flush();
    expect(stored('f')).not.toHaveProperty('referrer');
    expect(posted(f)[0]).toMatchObject({ referrer: 'https://shop.example/a' });
  });

  it('records a direct first visit as the first touch', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    await load('https://shop.example/');
    expect(stored('f')).toEqual({ url: 'https://shop.example/', at: 1_700_000_000_000 });
  });

  it('leaves utm fields and click_ids off events of a landing without them', async () => {
    const f = useFetch(collector());
    await (await load('https://shop.example/')).flush();
    expect(Object.keys(posted(f)[0]!).filter((k) => k.startsWith('utm_') || k == 'click_ids')).toEqual([]);
  });

  it('cuts overlong values to the collector limits', async () => {
    const f = useFetch(collector());
    await (await load(`https://shop.example/?utm_source=${'s'.repeat(600)}&p=${'p'.repeat(3000)}`)).flush();
    const [e] = posted(f);
    expect(e!.utm_source).toHaveLength(512);
    expect(e!.url).toHaveLength(2048);
  });
});
