import { pathOf } from '../stats/dialect.js';
import type { EventRecord } from './records.js';
import { clickNetworkOf, sourceOf } from './visit-attributes.js';

/**
 * One row of `visits` (issue #18): what the stats need of one visit, the events of one tracker `session_id` of an
 * account (server-API events without one are not visits). Its attributes are those of its first event (the earliest,
 * the first stored on a tie), its entry and exit pages its first and last page_view's paths.
 */
export interface VisitRow {
  account_id: number;
  test: boolean;
  session_id: string;
  contact_id: number;
  started_at: number;
  ended_at: number;
  entry_at: number | null;
  entry_page: string | null;
  exit_at: number | null;
  exit_page: string | null;
  pageviews: number;
  events: number;
  revenue: number;
  referrer: string | null;
  source: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  click_network: string | null;
  device_type: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
}

/** The event fields a visit reads. */
export type VisitEvent = Pick<
  EventRecord,
  | 'account_id'
  | 'test'
  | 'session_id'
  | 'contact_id'
  | 'event'
  | 'amount'
  | 'url'
  | 'referrer'
  | 'utm_source'
  | 'utm_medium'
  | 'utm_campaign'
  | 'utm_term'
  | 'utm_content'
  | 'click_ids'
  | 'device_type'
  | 'browser'
  | 'os'
  | 'country'
  | 'occurred_at'
>;

/** The columns of `visits`, in table order. */
export const visitColumns = [
  'account_id',
  'test',
  'session_id',
  'contact_id',
  'started_at',
  'ended_at',
  'entry_at',
  'entry_page',
  'exit_at',
  'exit_page',
  'pageviews',
  'events',
  'revenue',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'click_network',
  'device_type',
  'browser',
  'os',
  'country',
] as const satisfies ReadonlyArray<keyof VisitRow>;

/** The columns a visit takes from its first event. */
export const firstEventColumns = [
  'contact_id',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'click_network',
  'device_type',
  'browser',
  'os',
  'country',
] as const satisfies ReadonlyArray<keyof VisitRow>;

/** The visit of one event alone; null for an event outside any visit. */
export function visitOfEvent(e: VisitEvent): VisitRow | null {
  if (e.session_id === null) return null;
  const page = e.event === 'page_view' ? pathOf(e.url) : null;
  const viewAt = e.event === 'page_view' ? e.occurred_at : null;
  return {
    account_id: e.account_id,
    test: e.test,
    session_id: e.session_id,
    contact_id: e.contact_id,
    started_at: e.occurred_at,
    ended_at: e.occurred_at,
    entry_at: viewAt,
    entry_page: page,
    exit_at: viewAt,
    exit_page: page,
    pageviews: e.event === 'page_view' ? 1 : 0,
    events: 1,
    revenue: e.event === 'confirmation' ? (e.amount ?? 0) : 0,
    referrer: e.referrer,
    source: sourceOf(e.referrer, e.utm_source),
    utm_source: e.utm_source,
    utm_medium: e.utm_medium,
    utm_campaign: e.utm_campaign,
    utm_term: e.utm_term,
    utm_content: e.utm_content,
    click_network: clickNetworkOf(e.click_ids),
    device_type: e.device_type,
    browser: e.browser,
    os: e.os,
    country: e.country,
  };
}

/**
 * `later` (written after `earlier`) added into `earlier`, in place: the rule visitUpsertSql (visits-schema.ts) applies
 * in the database, so a visit's row is the same whichever transactions its events came in. On a time tie the first
 * event and the entry page stay those written first, the exit page becomes the one written last.
 */
export function mergeVisit(earlier: VisitRow, later: VisitRow): VisitRow {
  if (later.started_at < earlier.started_at)
    for (const c of firstEventColumns) Object.assign(earlier, { [c]: later[c] });
  earlier.started_at = Math.min(earlier.started_at, later.started_at);
  earlier.ended_at = Math.max(earlier.ended_at, later.ended_at);
  if (later.entry_at !== null && (earlier.entry_at === null || later.entry_at < earlier.entry_at)) {
    earlier.entry_at = later.entry_at;
    earlier.entry_page = later.entry_page;
  }
  if (later.exit_at !== null && (earlier.exit_at === null || later.exit_at >= earlier.exit_at)) {
    earlier.exit_at = later.exit_at;
    earlier.exit_page = later.exit_page;
  }
  earlier.pageviews += later.pageviews;
  earlier.events += later.events;
  earlier.revenue += later.revenue;
  return earlier;
}

/**
 * mergeVisit(held, visitOfEvent(e)) for an event not earlier than the visit's start, which leaves the first-event
 * columns alone: the common case (a beacon's events come in order), without classifying the event's referrer and
 * click ids, which only a visit's first event uses.
 */
function addLaterEvent(held: VisitRow, e: VisitEvent): void {
  held.ended_at = Math.max(held.ended_at, e.occurred_at);
  if (e.event === 'page_view') {
    const at = e.occurred_at;
    const page = pathOf(e.url);
    if (held.entry_at === null || at < held.entry_at) {
      held.entry_at = at;
      held.entry_page = page;
    }
    if (held.exit_at === null || at >= held.exit_at) {
      held.exit_at = at;
      held.exit_page = page;
    }
    held.pageviews += 1;
  } else if (e.event === 'confirmation') held.revenue += e.amount ?? 0;
  held.events += 1;
}

export const visitKey = (v: Pick<VisitEvent, 'account_id' | 'test' | 'session_id'>) =>
  `${v.account_id}:${v.test ? 1 : 0}:${v.session_id}`;

/** Visit rows keyed by visitKey, to which events add in the order they are written. */
export class VisitDeltas {
  private readonly rows = new Map<string, VisitRow>();

  add(e: VisitEvent): void {
    if (e.session_id === null) return;
    const key = visitKey(e);
    const held = this.rows.get(key);
    if (!held) this.rows.set(key, visitOfEvent(e)!);
    else if (e.occurred_at >= held.started_at) addLaterEvent(held, e);
    else mergeVisit(held, visitOfEvent(e)!);
  }

  get size(): number {
    return this.rows.size;
  }

  /** The rows held, sorted by key (two writers upserting the same visits lock them in one order), then forgotten. */
  take(): VisitRow[] {
    const rows = [...this.rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    this.rows.clear();
    return rows;
  }

  clear(): void {
    this.rows.clear();
  }
}
