import type { Options, Props } from './config.js';

type Send = (event: string, data?: Props) => void;

/** Plausible's default file-download extensions; `downloads: [...]` (or `data-download-extensions`) replaces them. */
const EXTENSIONS =
  'pdf,xlsx,docx,txt,rtf,csv,exe,key,pps,ppt,pptx,7z,pkg,rar,gz,zip,avi,mov,mp4,mpeg,wmv,midi,mp3,wav,wma,dmg';

/** `data-tracklet-prop-order-id="7"` → `{ order_id: "7" }` (property keys allow no dashes). */
const propsOf = (el: Element): Props => {
  const d: Props = {};
  for (const a of Array.from(el.attributes))
    if (!a.name.indexOf('data-tracklet-prop-')) d[a.name.slice(19).replace(/-/g, '_')] = a.value;
  return d;
};

/**
 * Clicks the site owner asked for (issue #22): elements marked `data-tracklet-event`, links to other hosts
 * (`outbound_click`) and to files (`file_download`). A middle click opens a link too, so it counts. The events go
 * through the persisted queue, so the navigation a link starts does not lose them (sendBeacon on pagehide).
 */
export const autoClicks = (o: Options, send: Send): void => {
  const files = new RegExp(
    `\\.(${(Array.isArray(o.downloads) ? o.downloads : EXTENSIONS.split(',')).join('|')})$`,
    'i',
  );
  const on = (e: MouseEvent): void => {
    if (e.type == 'auxclick' && e.button != 1) return;
    const t = e.target as Element;
    const tagged = o.tagged && t.closest?.('[data-tracklet-event]');
    if (tagged) send(tagged.getAttribute('data-tracklet-event')!, propsOf(tagged));
    const a = t.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!a || !/^https?:/.test(a.protocol)) return;
    if (o.downloads && files.test(a.pathname)) send('file_download', { url: a.href });
    else if (o.outbound && a.host != location.host) send('outbound_click', { url: a.href });
  };
  addEventListener('click', on, true);
  addEventListener('auxclick', on, true);
};
