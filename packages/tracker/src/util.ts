import * as limits from '@tracklet/protocol/limits';

/** Debug output only: console.debug is hidden unless the developer asks for verbose logs. */
export const log = (...a: unknown[]): void => console.debug('[tracklet]', ...a);

/** Wraps a callback so that nothing it throws reaches the host page (STYLE.md "Errors"). */
export const safe =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R | undefined => {
    try {
      return f(...a);
    } catch (e) {
      log(e);
    }
  };

/** Cuts a string to the collector's field limit (a URL's by default) rather than have the event refused. */
export const cut = (s: string, n: number = limits.maxUrlLength): string => s.slice(0, n);
