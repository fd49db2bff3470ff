import type { TouchRecord } from '../store/records.js';
import type { PendingEvent } from './context.js';

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
};

/**
 * The referrer when it is another site's. A link inside the site (or an SPA navigation, whose referrer is the
 * previous page) is no attribution: it must never become the visitor's last touch.
 */
export function outsideReferrer(e: PendingEvent): string | null {
  if (!e.referrer) return null;
  const from = hostOf(e.referrer);
  return from !== null && (!e.url || from !== hostOf(e.url)) ? e.referrer : null;
}

const touch = (e: PendingEvent, referrer: string | null): TouchRecord =>
  ({ ...e.utm, referrer, url: e.url, click_ids: e.click_ids, at: e.occurredAt });

/** The event's own touch: its attribution when it has any (UTM, click ids or another site's referrer), else null. */
export function touchOfEvent(e: PendingEvent): TouchRecord | null {
  const hasUtm = Object.values(e.utm).some((v) => v !== null);
  const referrer = outsideReferrer(e);
  return hasUtm || e.click_ids || referrer ? touch(e, referrer) : null;
}

export const earlier = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at < a.at ? b : a);
export const later = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at > a.at ? b : a);

/** First touch: the earliest ever seen; last touch: the latest attribution-carrying touch. */
export function nextTouches(current: { first_touch: TouchRecord | null; last_touch: TouchRecord | null }, e: PendingEvent) {
  const own = touchOfEvent(e);
  const pageTouch = e.url ? touch(e, outsideReferrer(e)) : null;
  const first = earlier(current.first_touch, e.firstTouch ?? own ?? pageTouch);
  const last = later(later(current.last_touch, e.lastTouch), own) ?? first;
  return { first_touch: first, last_touch: last };
}
