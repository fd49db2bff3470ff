import { limits, type UtmKey } from '@tracklet/protocol';

/** The enrichment fields of a Tracklet event that Segment carries in `context` (and a page's `properties`). */
export interface ContextFields {
  url?: string;
  title?: string;
  referrer?: string;
  click_ids?: Record<string, string>;
  ip?: string;
  user_agent?: string;
  utm?: Partial<Record<UtmKey, string>>;
}

/** The tracker's list of ad click ids (packages/tracker/src/attribution.ts), read from the page URL's query. */
const clickIdNames = [
  ...'gclid gbraid wbraid dclid fbclid msclkid ttclid twclid li_fat_id epik rdt_cid sccid'.split(' '),
  ...'irclickid yclid igshid mc_cid mc_eid qclid'.split(' '),
];
/** Segment's `context.campaign` names; `name` is the campaign (utm_campaign). */
const campaignKeys: [string, UtmKey][] = [
  ['source', 'utm_source'],
  ['medium', 'utm_medium'],
  ['term', 'utm_term'],
  ['content', 'utm_content'],
  ['name', 'utm_campaign'],
];

type Bag = Record<string, unknown>;
const bag = (value: unknown): Bag =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Bag) : {};
/** A non-empty string cut to `max`: a long URL or title is shortened, never a reason to lose the message. */
const text = (value: unknown, max: number) =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;

function clickIdsOf(url: string | undefined, search: string | undefined): Record<string, string> | undefined {
  let query: URLSearchParams;
  try {
    query = search !== undefined ? new URLSearchParams(search) : new URL(url ?? '').searchParams;
  } catch {
    return undefined;
  }
  const ids: Record<string, string> = {};
  for (const name of clickIdNames) {
    const value = query.get(name);
    if (value) ids[name] = value.slice(0, 512);
  }
  return Object.keys(ids).length > 0 ? ids : undefined;
}

/**
 * `context.page.*` (a page's own `properties.url|title|referrer|search` win), `context.campaign.*` as utm_* (the
 * URL's own utm_ parameters fill the rest, as for every event), click ids from the page URL, and `context.ip` /
 * `context.userAgent`, which only a server-side sender may set (browsers: the request's own).
 */
export function contextFields(context: Bag | undefined, page: Bag = {}): ContextFields {
  const ctxPage = bag(context?.page);
  const campaign = bag(context?.campaign);
  const url = text(page.url ?? ctxPage.url, limits.maxStringLength);
  const search = text(page.search ?? ctxPage.search, limits.maxStringLength);
  const utm: Partial<Record<UtmKey, string>> = {};
  for (const [from, to] of campaignKeys) {
    const value = text(campaign[from], 512);
    if (value) utm[to] = value;
  }
  const fields: ContextFields = { utm };
  const set = <K extends keyof ContextFields>(key: K, value: ContextFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('url', url);
  set('title', text(page.title ?? ctxPage.title, 1024));
  set('referrer', text(page.referrer ?? ctxPage.referrer, limits.maxStringLength));
  set('click_ids', clickIdsOf(url, search));
  set('ip', text(context?.ip, 64));
  set('user_agent', text(context?.userAgent, limits.maxUserAgentLength));
  return fields;
}
