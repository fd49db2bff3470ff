/**
 * localStorage with an in-memory fallback. Memory is used when storage throws (Safari private mode,
 * sandboxed iframes, quota) and while persisting is off: consent pending or denied, opt-out, DNT, bots.
 */
const mem: Record<string, string | undefined> = {};
const P = 'tracklet_';
let on = false;

/** Reads a value; absent, unreadable and falsy values read as undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const get = (k: string): any => {
  let v = mem[k];
  try {
    // Persisting: storage first, so other tabs' writes (the queue) are seen. Not persisting: this page's memory first.
    if (on || !(k in mem)) v = localStorage.getItem(P + k) ?? v;
  } catch {}
  try {
    return JSON.parse(v!) || undefined;
  } catch {}
};

/** Writes a value (undefined or null forgets it); `force` persists even when persisting is off (the opt-out). */
export const set = (k: string, v: unknown, force?: boolean): void => {
  mem[k] = JSON.stringify(v ?? null);
  try {
    if (on || force) localStorage.setItem(P + k, mem[k]!);
  } catch {}
};

/** Turns persisting on (what this page kept in memory is written out) or off. */
export const persist = (o: boolean): void => {
  if (o && !on) for (const k in mem) set(k, get(k), o);
  on = o;
};

/** Forgets everything stored, in memory and in localStorage, except the opt-out itself. */
export const wipe = (): void => {
  for (const k in mem) delete mem[k];
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith(P) && k != P + 'o') localStorage.removeItem(k);
  } catch {}
};
