let hash = false;
let last: string | undefined;
let path: string | undefined;

const here = (): [string, string] => {
  const h = location.href;
  // Without hash routing, #section is the same page.
  return hash ? [h, location.pathname + location.hash] : [h.split('#')[0]!, location.pathname];
};

/** Records the current URL as viewed; returns the previously viewed URL (the SPA page view's referrer). */
export const mark = (): string | undefined => {
  const prev = last;
  [last, path] = here();
  return prev;
};

/** Whether a navigation shows a new page: never the same URL twice in a row; replaceState only on a new path. */
export const changed = (replace?: boolean): boolean => {
  const [u, p] = here();
  return u != last && (!replace || p != path);
};

/**
 * Calls `view` on every same-document navigation that shows a new page: pushState, replaceState,
 * popstate, hashchange (with hash routing), and on a back/forward-cache restore (a new visit of the page).
 */
export const watch = (hashRouting: boolean, view: () => void): void => {
  hash = hashRouting;
  const go = (replace?: boolean): void => void (changed(replace) && view());
  for (const m of ['pushState', 'replaceState'] as const) {
    const f = history[m];
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      f.apply(this, a);
      go(m > 'q');
    };
  }
  addEventListener('popstate', () => go());
  if (hash) addEventListener('hashchange', () => go());
  // A bfcache restore is a new visit of this document, like its load: its referrer is document.referrer again, not
  // the URL it showed before (itself).
  addEventListener('pageshow', (e) => e.persisted && ((last = undefined), view()));
};
