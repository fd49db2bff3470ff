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

const touch = (e: PendingEvent, referrer: string | null): TouchRecord => ({
  ...e.utm,
  referrer,
  url: e.url,
  click_ids: e.click_ids,
  at: e.occurredAt,
});

function hasUtm(e: PendingEvent): boolean {
  for (const key in e.utm) if (e.utm[key as keyof PendingEvent['utm']] !== null) return true;
  return false;
}

/** touchOfEvent, given the event's outsideReferrer. */
const ownTouch = (e: PendingEvent, referrer: string | null): TouchRecord | null =>
  hasUtm(e) || e.click_ids || referrer ? touch(e, referrer) : null;

/** The event's own touch: its attribution when it has any (UTM, click ids or another site's referrer), else null. */
export function touchOfEvent(e: PendingEvent): TouchRecord | null {
  return ownTouch(e, outsideReferrer(e));
}

export const earlier = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at < a.at ? b : a);
export const later = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at > a.at ? b : a);

/**
 * First touch: the earliest ever seen; last touch: the latest attribution-carrying touch. Returns the current
 * touches themselves when they stay (update-contact.ts compares them by identity). The page's touch (an event
 * without attribution) is built only when it would become the first touch: most events of a known visitor build none.
 */
export function nextTouches(
  current: { first_touch: TouchRecord | null; last_touch: TouchRecord | null },
  e: PendingEvent,
) {
  const referrer = outsideReferrer(e);
  const own = ownTouch(e, referrer);
  const offered = e.firstTouch ?? own;
  let first: TouchRecord | null;
  if (offered) first = earlier(current.first_touch, offered);
  else if (e.url && (!current.first_touch || e.occurredAt < current.first_touch.at)) first = touch(e, referrer);
  else first = current.first_touch;
  const last = later(later(current.last_touch, e.lastTouch), own) ?? first;
  return { first_touch: first, last_touch: last };
}
