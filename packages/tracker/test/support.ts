import { afterEach, beforeEach, vi, type Mock } from 'vitest';
import type { BeaconEvent } from '@tracklet/protocol';
import type { Options, Tracker } from '../src/config.js';

// Build flags, as vite.config.ts sets them for the npm build.
(globalThis as Record<string, unknown>).__FEAT_CHECKS__ = true;
(globalThis as Record<string, unknown>).__FEAT_AUTO__ = true;

export const API = 'https://collector.example';
export const KEY = 'tk_pub_test';

type Fetch = Mock<(url: string, init: RequestInit) => Promise<Response>>;
type Body = { key: string; sent_at: string; events: BeaconEvent[] };

/** Sets a navigator property (happy-dom reports navigator.webdriver = true, which would make every test a bot). */
export const navigatorProp = (name: string, value: unknown): void => {
  Object.defineProperty(navigator, name, { value, configurable: true });
};

/** Moves the page to `url` with `referrer`, as a fresh landing would. */
export const goTo = (url: string, referrer = ''): void => {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
  Object.defineProperty(document, 'referrer', { value: referrer, configurable: true });
};

/** A collector that answers 200 with one result per event (`status` per event id, default created). */
export const collector = (status: (e: BeaconEvent) => string = () => 'created'): Fetch =>
  vi.fn(async (_url: string, init: RequestInit) => {
    const { events } = JSON.parse(init.body as string) as Body;
    const results = events.map((e, index) => ({ index, status: status(e) }));
    return new Response(JSON.stringify({ results }), { status: 200 });
  });

/** A fetch that answers each call with the next of `answers` (a status, a Response or an Error), then 200s. */
export const answers = (...list: (number | Response | Error)[]): Fetch => {
  const ok = collector();
  return vi.fn(async (url: string, init: RequestInit) => {
    const a = list.shift();
    if (a instanceof Error) throw a;
    if (a instanceof Response) return a;
    return a ? new Response('{"errors":[]}', { status: a }) : ok(url, init);
  });
};

export const useFetch = (f: Fetch): Fetch => (vi.stubGlobal('fetch', f), f);

/** Every body POSTed to the collector, parsed. */
export const bodies = (f: Fetch): Body[] => f.mock.calls.map((c) => JSON.parse(c[1].body as string) as Body);
/** Every event POSTed, in order. */
export const posted = (f: Fetch): BeaconEvent[] => bodies(f).flatMap((b) => b.events);
export const names = (f: Fetch): string[] => posted(f).map((e) => e.event);

/** What the tracker keeps in localStorage under its prefix. */
export const stored = (k: string): unknown => JSON.parse(localStorage.getItem('tracklet_' + k) ?? 'null');

const listeners: [EventTarget, string, EventListenerOrEventListenerObject][] = [];
const history0 = { push: history.pushState, replace: history.replaceState };

/** Forgets the previous "page": its listeners and its history patches, as a real page load would. */
export const unload = (): void => {
  for (const [target, t, l] of listeners.splice(0)) target.removeEventListener(t, l);
  history.pushState = history0.push;
  history.replaceState = history0.replace;
};

/**
 * A page load: fresh tracker modules (module state is per page), the same localStorage.
 * Resolves after the microtask that sends the automatic page_view.
 */
export const load = async (
  url = 'https://shop.example/',
  options: Partial<Options> = {},
  referrer = '',
): Promise<Tracker> => {
  unload();
  goTo(url, referrer);
  vi.resetModules();
  const { createTracker } = await import('../src/index.js');
  const t = createTracker({ key: KEY, api: API, ...options });
  await Promise.resolve();
  return t;
};

beforeEach(() => {
  // Fake timers everywhere, so no batch timer of one test fires into the next.
  vi.useFakeTimers();
  useFetch(collector());
  localStorage.clear();
  navigatorProp('webdriver', false);
  navigatorProp('doNotTrack', 'unspecified');
  navigatorProp('globalPrivacyControl', undefined);
  navigatorProp(
    'sendBeacon',
    vi.fn(() => true),
  );
  for (const target of [window, document] as EventTarget[]) {
    const add = target.addEventListener.bind(target);
    vi.spyOn(target, 'addEventListener').mockImplementation((t, l, o) => {
      listeners.push([target, t, l!]);
      add(t, l, o);
    });
  }
  vi.spyOn(console, 'debug').mockImplementation(() => {});
});

afterEach(() => {
  unload();
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
