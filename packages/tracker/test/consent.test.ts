// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { collector, load, names, navigatorProp, posted, stored, useFetch } from './support.js';

const ours = () => Object.keys(localStorage).filter((k) => k.startsWith('tracklet_'));

describe('privacy and consent', () => {
  it.each([
    ['Do-Not-Track', 'doNotTrack', '1'],
    ['Global Privacy Control', 'globalPrivacyControl', true],
  ])('sends and stores nothing under %s', async (_, prop, value) => {
    navigatorProp(prop, value);
    const f = useFetch(collector());
    const t = await load();
    t.login({ email: 'a@b.co' });
    t.track('a');
    await t.flush();
    await vi.advanceTimersByTimeAsync(5000);
    window.dispatchEvent(new Event('pagehide'));
    expect(f).not.toHaveBeenCalled();
    expect(navigator.sendBeacon).not.toHaveBeenCalled();
    expect(ours()).toEqual([]);
  });

  it('sends despite DNT when respectDnt is false', async () => {
    navigatorProp('doNotTrack', '1');
    const f = useFetch(collector());
    await (await load('https://shop.example/', { respectDnt: false })).flush();
    expect(names(f)).toEqual(['page_view']);
  });

  it('holds events in memory only while consent is pending, and sends them once granted', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { consent: 'pending' });
    t.track('a');
    await t.flush();
    window.dispatchEvent(new Event('pagehide'));
    expect(f).not.toHaveBeenCalled();
    expect(navigator.sendBeacon).not.toHaveBeenCalled();
    expect(ours()).toEqual([]);
    t.consent('granted');
    await t.flush();
    expect(names(f)).toEqual(['page_view', 'a']);
    expect(stored('a')).toBe(posted(f)[0]!.anonymous_id);
  });

  it('sends nothing, stores nothing and drops held events when consent is denied', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { consent: 'pending' });
    t.track('held');
    t.consent('denied');
    t.track('after');
    t.consent('granted');
    await t.flush();
    expect(names(f)).toEqual([]);
  });

  it('forgets what was stored when consent is withdrawn', async () => {
    const f = useFetch(collector());
    const t = await load();
    await t.flush();
    expect(ours().length).toBeGreaterThan(0);
    t.consent('denied');
    t.track('a');
    await t.flush();
    expect(ours()).toEqual([]);
    expect(names(f)).toEqual(['page_view']);
  });

  it('keeps an opt-out across page loads until optIn', async () => {
    const f = useFetch(collector());
    const t = await load();
    t.optOut();
    t.track('a');
    await t.flush();
    const t2 = await load('https://shop.example/next');
    t2.track('b');
    await t2.flush();
    expect(names(f)).toEqual([]);
    expect(ours()).toEqual(['tracklet_o']);
    t2.optIn();
    t2.track('c');
    await t2.flush();
    expect(names(f)).toEqual(['c']);
  });
});
