// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { bodies, collector, goTo, names, navigatorProp, posted, unload, useFetch } from './support.js';

type Tracklet = ((...a: unknown[]) => unknown) & { q?: IArguments[] };
const w = window as unknown as { tracklet?: Tracklet };

/** The page's inline snippet from API.md (window. spelled out: in the test runner the global object is not window). */
const stub = (): void => {
  w.tracklet =
    w.tracklet ||
    function () {
      // eslint-disable-next-line prefer-rest-params
      (w.tracklet!.q = w.tracklet!.q || []).push(arguments);
    };
};

/** Loads the script-tag build's entry as `<script async src=... data-*>` would. */
const loadTag = async (data: Record<string, string>, src = 'https://collector.example/t.js'): Promise<Tracklet> => {
  unload();
  goTo('https://shop.example/landing');
  const s = document.createElement('script');
  s.src = src;
  Object.assign(s.dataset, data);
  Object.defineProperty(document, 'currentScript', { value: s, configurable: true });
  vi.resetModules();
  await import('../src/tag.js');
  Object.defineProperty(document, 'currentScript', { value: null, configurable: true });
  await Promise.resolve();
  return w.tracklet!;
};

describe('script tag', () => {
  it('replays the calls queued before it loaded, in order, before the automatic page_view', async () => {
    delete w.tracklet;
    stub();
    w.tracklet!('login', { email: 'a@b.co' });
    w.tracklet!('track', 'first');
    w.tracklet!('track', 'second', { n: 2 });
    const f = useFetch(collector());
    const t = await loadTag({ key: 'tk_pub_tag' });
    await t('flush');
    expect(names(f)).toEqual(['login', 'first', 'second', 'page_view']);
    expect(posted(f)[2]).toMatchObject({ data: { n: 2 }, user: { email: 'a@b.co' } });
  });

  it('posts to the origin that served the script, with the data-key', async () => {
    delete w.tracklet;
    const f = useFetch(collector());
    const t = await loadTag({ key: 'tk_pub_tag' }, 'https://collector.example:8443/t.js?v=1');
    await t('flush');
    expect(f.mock.calls[0]![0]).toBe('https://collector.example:8443/v1/collect');
    expect(bodies(f)[0]!.key).toBe('tk_pub_tag');
  });

  it('replaces the stub with a dispatcher that works after load', async () => {
    delete w.tracklet;
    stub();
    const f = useFetch(collector());
    const t = await loadTag({ key: 'tk_pub_tag', api: 'https://api.example/', auto: 'false' });
    expect(t.q).toBeUndefined();
    t('track', 'later');
    await t('flush');
    expect(f.mock.calls[0]![0]).toBe('https://api.example/v1/collect');
    expect(names(f)).toEqual(['later']);
  });

  it('never throws into the page, whatever it is called with', async () => {
    delete w.tracklet;
    const t = await loadTag({ key: 'tk_pub_tag' });
    expect(() => t('nope')).not.toThrow();
    expect(() => t('confirmation')).not.toThrow();
    expect(() => t('track', 'Bad Name')).not.toThrow();
  });

  it('reads data-consent and data-respect-dnt', async () => {
    delete w.tracklet;
    navigatorProp('doNotTrack', '1');
    const f = useFetch(collector());
    const t = await loadTag({ key: 'tk_pub_tag', consent: 'pending', respectDnt: 'false' });
    await t('flush');
    expect(f).not.toHaveBeenCalled();
    t('consent', 'granted');
    await t('flush');
    expect(names(f)).toEqual(['page_view']);
  });
});
