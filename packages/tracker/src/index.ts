import type { Options, Tracker } from './config.js';
import { init } from './tracker.js';

export type { Consent, Identity, Options, Order, Props, Tracker, Value } from './config.js';

/**
 * Starts the tracker in this page (one per page) and returns its API. Importing has no side effects.
 * Misuse (no key, a bad event name, a missing order_id…) throws at once; nothing else ever throws.
 *
 * @example const t = createTracker({ key: 'tk_pub_…', api: 'https://collector.example' });
 *          t.track('add_to_cart', { sku: 'A1' });
 */
export function createTracker(options: Options): Tracker {
  if (typeof document != 'object') throw new TypeError('tracklet: createTracker runs in a browser');
  if (!options?.key) throw new TypeError('tracklet: createTracker needs { key: "tk_pub_…" }');
  return init(options);
}
