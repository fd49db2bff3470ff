import type { TouchRecord } from '../store/records.js';
import type { PendingEvent } from './context.js';

/** The event's own touch: its attribution when it has any (UTM, click ids or a referrer), else null. */
export function touchOfEvent(e: PendingEvent): TouchRecord | null {
  const hasUtm = Object.values(e.utm).some((v) => v !== null);
  if (!hasUtm && !e.click_ids && !e.referrer) return null;
  return { ...e.utm, referrer: e.referrer, url: e.url, click_ids: e.click_ids, at: e.occurredAt };
}

export const earlier = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at < a.at ? b : a);
export const later = (a: TouchRecord | null, b: TouchRecord | null) => (!a ? b : !b ? a : b.at > a.at ? b : a);

/** First touch: the earliest ever seen; last touch: the latest attribution-carrying touch. */
export function nextTouches(current: { first_touch: TouchRecord | null; last_touch: TouchRecord | null }, e: PendingEvent) {
  const own = touchOfEvent(e);
  const pageTouch: TouchRecord | null = e.url ? { ...e.utm, referrer: e.referrer, url: e.url, click_ids: e.click_ids, at: e.occurredAt } : null;
  const first = earlier(current.first_touch, e.firstTouch ?? own ?? pageTouch);
  const last = later(later(current.last_touch, e.lastTouch), own) ?? first;
  return { first_touch: first, last_touch: last };
}
