import type { TouchInput, UtmKey } from '@tracklet/protocol';
import * as limits from '@tracklet/protocol/limits';
import { get, set } from './storage.js';
import { cut } from './util.js';

type Touch = TouchInput & { click_ids?: Record<string, string> };

const UTM = 'source medium term content campaign'.split(' ').map((k) => 'utm_' + k) as UtmKey[];
/** Ad click ids: Google, DoubleClick, Meta, Microsoft, TikTok, X, LinkedIn, Pinterest, Reddit, Snap, Impact,
 * Yandex, Instagram, Mailchimp, Quora. Compared lower-case (Snap sends ScCid). */
const IDS =
  'gclid gbraid wbraid dclid fbclid msclkid ttclid twclid li_fat_id epik rdt_cid sccid irclickid yclid igshid mc_cid mc_eid qclid'.split(
    ' ',
  );

/** This landing's own utm_* and click_ids, attached to every event of the page. */
let own: Pick<Touch, UtmKey | 'click_ids'> = {};

/**
 * Reads the landing URL and referrer once per page load. First touch is kept forever; last touch is replaced
 * when this landing has attribution (UTM, click id or a referrer from another hostname).
 */
export const land = (): void => {
  const t: Touch = { url: cut(location.href), at: Date.now() };
  const ids: Record<string, string> = {};
  own = {};
  new URLSearchParams(location.search).forEach((v, k) => {
    k = k.toLowerCase();
    if (UTM.includes(k as UtmKey)) own[k as UtmKey] = t[k as UtmKey] = cut(v, limits.maxUtmLength);
    if (IDS.includes(k)) ids[k] = cut(v, limits.maxUtmLength);
  });
  if (Object.keys(ids)[0]) own.click_ids = t.click_ids = ids;
  const r = document.referrer;
  // Self-referrals (same hostname) are internal navigation, not attribution.
  if (r && new URL(r).hostname != location.hostname) t.referrer = cut(r);
  if (!get('f')) set('f', t);
  if (t.referrer || Object.keys(own)[0] || !get('l')) set('l', t);
};

/** The attribution fields of an event. */
export const touches = (): typeof own & { first_touch?: Touch; last_touch?: Touch } => ({
  ...own,
  first_touch: get('f'),
  last_touch: get('l'),
});
