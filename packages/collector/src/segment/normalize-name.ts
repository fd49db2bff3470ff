import { limits } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';

/**
 * A Segment event name as a Tracklet event name (`^[a-z][a-z0-9_]{0,63}$`): camelCase split at its humps, letters
 * lowercased, accents dropped, every run of anything else one `_`, trimmed; a leading digit gets an `e_` prefix,
 * and the result is cut to 64 characters. `Order Completed`, `order-completed` and `orderCompleted` are all
 * `order_completed`. A name with nothing left (`"!!!"`) is refused, never guessed.
 */
export function normalizeName(name: string, path = 'event'): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const named = /^[0-9]/.test(words) ? `e_${words}` : words;
  const cut = named.slice(0, 64).replace(/_+$/, '');
  if (!limits.eventNamePattern.test(cut)) {
    throw new TrackletError('invalid_event_name', `"${name.slice(0, 64)}" has no letters or digits to name an event`, {
      path,
    });
  }
  return cut;
}
