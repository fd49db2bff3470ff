import type { Props } from './config.js';

type Send = (event: string, data: Props, extra?: { url: string }) => void;

/** Without a pointer, key, touch or scroll for this long, the visitor is no longer engaged. */
const IDLE_MS = 15e3;
const INPUTS = ['pointerdown', 'pointermove', 'keydown', 'scroll', 'touchstart'];

let visible = true;
let last = 0;
let mark = 0;
let ms = 0;
let depth = 0;
let sent = false;

/** Credits the time since the last reckoning while the page was visible and the visitor active in the last IDLE_MS. */
const reckon = (): void => {
  const n = Date.now();
  if (visible && last) ms += Math.max(0, Math.min(n, last + IDLE_MS) - mark);
  mark = n;
};

const scrolled = (): void => {
  const e = document.documentElement;
  depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) / Math.max(1, e.scrollHeight)) * 100)));
};

/**
 * `page_engagement {scroll_depth, engaged_ms}` when a page is hidden or left (issue #22). Engaged time counts while
 * the page is visible and the visitor interacted within IDLE_MS; a page with none sends nothing unless `always`.
 * Returns what an SPA navigation calls with the URL it leaves, before the next page's page_view.
 */
export const engagement = (send: Send, always?: boolean): ((url?: string) => void) => {
  const report = (url?: string): void => {
    reckon();
    if (ms || (always && !sent))
      send('page_engagement', { scroll_depth: depth, engaged_ms: ms }, url ? { url } : undefined);
    sent = true;
    ms = 0;
  };
  for (const t of INPUTS)
    addEventListener(
      t,
      () => {
        reckon();
        last = mark;
        if (t == 'scroll') scrolled();
      },
      { capture: true, passive: true },
    );
  const hide = (): void => {
    if (visible) report();
    visible = false;
  };
  document.addEventListener('visibilitychange', () => (document.hidden ? hide() : (reckon(), (visible = true))));
  addEventListener('pagehide', hide);
  scrolled();
  return (url) => {
    if (url) report(url);
    sent = false;
    depth = 0;
    scrolled();
  };
};
