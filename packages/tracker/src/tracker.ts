import type { BeaconEvent } from '@tracklet/protocol';
import * as limits from '@tracklet/protocol/limits';
import { land, touches } from './attribution.js';
import { cfg, configure, type Options, type Props, type Tracker } from './config.js';
import { consent, initConsent, level, optOut } from './consent.js';
import { uid } from './ids.js';
import { anon, forget, identify, session, user } from './identity.js';
import { enqueue } from './queue.js';
import { flush, schedule } from './send.js';
import { autoClicks } from './auto-clicks.js';
import { engagement } from './engagement.js';
import { changed, mark, watch } from './spa.js';
import { cut, safe } from './util.js';

const NAME = limits.eventNamePattern;

/** Misuse of the npm API throws at once. Every call is guarded by __FEAT_CHECKS__ so the script-tag build drops it. */
const check = (ok: unknown, msg: string): void => {
  if (!ok) throw new TypeError('tracklet: ' + msg);
};
const flat = (d: unknown, what = 'data'): void =>
  check(d === undefined || (d && typeof d == 'object' && !Array.isArray(d)), what + ' must be a flat object');

/** Builds an event and queues it: held in memory while consent is pending, dropped when nothing may be sent. */
const send = safe((event: string, data?: Props, extra?: Partial<BeaconEvent>): void => {
  const l = level();
  if (!l) return;
  enqueue({
    id: uid(),
    event,
    anonymous_id: anon(),
    session_id: session(),
    timestamp: Date.now(),
    url: cut(location.href),
    title: cut(document.title, limits.maxTitleLength),
    ...touches(),
    user: user(),
    data,
    ...extra,
  });
  if (l > 1) schedule(cfg.batch);
});

/** Reports the engagement of the page an SPA navigation leaves (set when the engagement feature is on). */
let leave: ((url?: string) => void) | undefined;

const page = (data?: Props): void => {
  const prev = mark();
  if (__FEAT_AUTO__) leave?.(prev);
  send('page_view', data, { referrer: cut(prev || document.referrer) || undefined });
  if (data?.status == 404) send('not_found', { path: location.pathname });
};

/** The public API; `__FEAT_CHECKS__` calls throw on misuse, everything else is safe. */
const api: Tracker = {
  track: (e, d) => {
    if (__FEAT_CHECKS__) {
      check(NAME.test(e), `event name "${e}" must match ${NAME.source}`);
      flat(d);
    }
    send(e, d);
  },
  page: (d) => (__FEAT_CHECKS__ && flat(d), safe(page)(d)),
  login: (i) => {
    if (__FEAT_CHECKS__) check(i && (i.email || i.phone || i.external_id), 'login needs email, phone or external_id');
    safe(identify)(i);
    send('login', i);
  },
  update: (a) => (__FEAT_CHECKS__ && flat(a, 'attributes'), send('update', a)),
  logout: () => {
    send('logout');
    safe(forget)();
  },
  confirmation: (d) => {
    if (__FEAT_CHECKS__) check(d && d.order_id != null, 'confirmation needs order_id');
    const a = d.amount ?? d.total;
    send('confirmation', d, { amount: typeof a == 'number' ? a : undefined });
  },
  emailOpen: (d) => (__FEAT_CHECKS__ && flat(d), send('email_open', d)),
  flush: () => flush(),
  consent: (s) => {
    if (__FEAT_CHECKS__) check(/^(granted|pending|denied)$/.test(s), 'consent is granted, pending or denied');
    safe(consent)(s);
    schedule(0);
  },
  optOut: () => safe(optOut)(true),
  optIn: () => (safe(optOut)(false), schedule(0)),
  anonymousId: anon,
};

/** Starts the tracker: one per page. The first automatic page_view follows in a microtask, after the
 * caller's own synchronous calls (the script tag's replayed queue, an npm caller's login). */
export const init = (o: Options): Tracker => {
  configure(o);
  initConsent(o.consent, o.respectDnt);
  safe(land)();
  // Before the flush on hide below: the engagement reported on hide must go with that flush.
  if (__FEAT_AUTO__) {
    autoClicks(o, send);
    if (o.engagement) leave = engagement(send, o.engagement == 'always');
  }
  const hidden = (): void => void flush(true);
  addEventListener('pagehide', hidden);
  document.addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && hidden());
  if (o.autoPageViews != false) {
    watch(!!o.hashRouting, safe(page));
    queueMicrotask(safe(() => changed() && page(o.notFound ? { status: 404 } : undefined)));
  }
  schedule(cfg.batch);
  return api;
};
