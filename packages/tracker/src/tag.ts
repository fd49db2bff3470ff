import type { Consent, Options, Tracker } from './config.js';
import { init } from './tracker.js';
import { safe } from './util.js';

type Method = (...a: unknown[]) => unknown;

/** t.full.js: `data-features="outbound,downloads,tagged,engagement"`, all of them when the attribute is absent. */
const features = (d: DOMStringMap): Partial<Options> => {
  const f = (d.features ?? 'outbound,downloads,tagged,engagement').split(/[\s,]+/);
  const x = d.downloadExtensions;
  return {
    outbound: f.includes('outbound'),
    downloads: f.includes('downloads') && (x ? x.split(/[\s,]+/) : true),
    tagged: f.includes('tagged'),
    engagement: f.includes('engagement') && (d.engagement == 'always' ? 'always' : true),
  };
};
type Stub = ((command: keyof Tracker, ...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[] };

/**
 * The script-tag entry: `<script async src=".../t.js" data-key="tk_pub_…">`. Reads the data-* options, then
 * replaces the queue stub `window.tracklet` with a dispatcher and replays, in order, the calls queued before it loaded.
 */
safe(() => {
  const w = window as unknown as { tracklet?: Stub };
  const s = (document.currentScript || document.querySelector('script[data-key]')) as HTMLScriptElement;
  const d = s.dataset;
  const t = init({
    key: d.key!,
    // Default: the origin that served this script, i.e. the collector.
    api: d.api || new URL(s.src).origin,
    autoPageViews: d.auto != 'false',
    hashRouting: d.hashRouting == 'true',
    respectDnt: d.respectDnt != 'false',
    consent: d.consent as Consent | undefined,
    batchMs: +d.batchMs! || undefined,
    notFound: d['404'] != null,
    ...(__FEAT_AUTO__ && features(d)),
  });
  const q = w.tracklet?.q || [];
  // Unknown commands and bad arguments are logged, never thrown: the host page must not see our errors.
  w.tracklet = (c, ...a) => safe(t[c] as Method)(...a);
  for (const a of Array.from(q)) w.tracklet(...(Array.from(a) as [keyof Tracker]));
})();
