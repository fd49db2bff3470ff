/** A property value the collector accepts in `data` and contact attributes: flat scalars only. */
export type Value = string | number | boolean | null;
/** A flat object of properties (≤100 keys matching ^[A-Za-z0-9_]{1,128}$). */
export type Props = Record<string, Value>;
/** `pending` holds events in memory, `denied` sends and stores nothing, `granted` sends. */
export type Consent = 'granted' | 'pending' | 'denied';
/** Who logged in: at least one of email, phone, external_id, plus any contact attributes. */
export type Identity = Props & ({ email: string } | { phone: string } | { external_id: string });
/** A purchase: `order_id` is required; a numeric `amount` (or `total`) becomes the event's amount. */
export type Order = Props & { order_id: string | number; amount?: number; total?: number };

export interface Options {
  /** The publishable key, `tk_pub_…`. */
  key: string;
  /** The collector's origin, e.g. `https://collector.example`. Default: this page's origin. */
  api?: string;
  /** A `page_view` on load and on every SPA navigation. Default true. */
  autoPageViews?: boolean;
  /** Count `#/route` changes as navigations. Default false. */
  hashRouting?: boolean;
  /** Send nothing when the browser sends Do-Not-Track or Global Privacy Control. Default true. */
  respectDnt?: boolean;
  /** Initial consent. Default `granted`. */
  consent?: Consent;
  /** How long events wait to be batched, in ms. Default 1000. */
  batchMs?: number;
  /** This page is a "not found" page: its automatic page view also sends `not_found {path}`. Default false. */
  notFound?: boolean;
  /** `outbound_click {url}` for clicks on links to other hosts. Default false. */
  outbound?: boolean;
  /** `file_download {url}` for clicks on links to files; a list replaces the default extensions. Default false. */
  downloads?: boolean | string[];
  /** Clicks on elements with `data-tracklet-event="name"` send that event with their `data-tracklet-prop-*`. */
  tagged?: boolean;
  /** `page_engagement {scroll_depth, engaged_ms}` when a page is hidden or left; `always` also for zero engagement. */
  engagement?: boolean | 'always';
}

export interface Tracker {
  /** Sends a custom event; `event` must match ^[a-z][a-z0-9_]{0,63}$. */
  track(event: string, data?: Props): void;
  /** Sends a `page_view` of the current URL; with `{ status: 404 }` also `not_found {path}`. */
  page(data?: Props): void;
  /** Sends `login` and attaches the user to this and every later event, across pages. */
  login(identity: Identity): void;
  /** Sets contact attributes (`null` removes one). */
  update(attributes: Props): void;
  /** Sends `logout`, then forgets the user and starts a new anonymous id and session. */
  logout(): void;
  /** Sends a purchase. */
  confirmation(order: Order): void;
  /** Sends `email_open`. */
  emailOpen(data?: Props): void;
  /** Sends every queued event now; resolves when the collector answered (never rejects). */
  flush(): Promise<void>;
  /** Changes the consent state; granting sends the held events. */
  consent(state: Consent): void;
  /** Opts this browser out (persisted) and forgets what was stored. */
  optOut(): void;
  /** Undoes optOut. */
  optIn(): void;
  /** This visitor's anonymous id (what `anonymous_id` carries), e.g. to look the visitor up in support tools. */
  anonymousId(): string;
}

/** The resolved options every module reads. */
export const cfg = { key: '', api: '', batch: 1e3 };

export const configure = (o: Options): void => {
  cfg.key = o.key;
  cfg.api = (o.api ?? '').replace(/\/$/, '');
  cfg.batch = o.batchMs ?? 1e3;
};
