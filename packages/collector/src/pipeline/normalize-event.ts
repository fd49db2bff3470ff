import {
  type BeaconEvent,
  type EventInput,
  limits,
  type PropertyValue,
  type TouchInput,
  utmKeys,
} from '@tracklet/protocol';
import type { TouchRecord } from '../store/records.js';
import type { Auth, Identity, PendingEvent, RequestMeta } from './context.js';
import type { UserAgentInfo } from './enrich-user-agent.js';
import type { IpLocator } from './enrich-country.js';

type AnyEventInput = EventInput | BeaconEvent;
const identityKeys = ['email', 'phone', 'external_id'] as const;

/** Floats are rounded to 6 decimal places (API.md "The event", data). */
export function roundFloats(data: Record<string, PropertyValue>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] =
      typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(limits.floatDecimals)) : value;
  }
  return out;
}

/**
 * What a URL must contain for its query to name a UTM parameter: `utm`, or a percent-encoded letter, or a tab or
 * newline (the URL parser removes them, so `u\ttm_source` is `utm_source`). Besides a `?`: the query starts there.
 */
const mayNameUtm = /utm|%|[\t\n\r]/;

/**
 * The query of a URL, or null when it has none that could hold a UTM parameter: those URLs are not parsed, since
 * every `get` of a UTM key would answer null anyway (most page URLs carry no query).
 */
function queryOf(url: string | null | undefined): URLSearchParams | null {
  if (!url || !url.includes('?') || !mayNameUtm.test(url)) return null;
  try {
    return new URL(url, 'http://relative.invalid').searchParams;
  } catch {
    return null;
  }
}

/** UTM fields as given, else from resource_url's (or the page url's) query string. */
export function utmOf(input: AnyEventInput): PendingEvent['utm'] {
  // Each URL is parsed only when a field is missing; the page URL only when resource_url leaves one missing.
  let query: URLSearchParams | null | undefined;
  let pageQuery: URLSearchParams | null | undefined;
  const utm = {} as PendingEvent['utm'];
  for (const key of utmKeys) {
    let value = input[key] ?? null;
    if (value === null) {
      if (query === undefined) query = queryOf(input.resource_url);
      value = query?.get(key)?.slice(0, limits.maxUtmLength) ?? null;
    }
    if (value === null) {
      if (pageQuery === undefined) pageQuery = queryOf(input.url);
      value = pageQuery?.get(key)?.slice(0, limits.maxUtmLength) ?? null;
    }
    utm[key] = value;
  }
  return utm;
}

export const timeOf = (t: string | number | undefined, fallback: number) =>
  t === undefined ? fallback : typeof t === 'number' ? t : Date.parse(t);

export function touchOf(t: TouchInput | undefined, fallbackAt: number): TouchRecord | null {
  if (!t) return null;
  return {
    utm_source: t.utm_source ?? null,
    utm_medium: t.utm_medium ?? null,
    utm_term: t.utm_term ?? null,
    utm_content: t.utm_content ?? null,
    utm_campaign: t.utm_campaign ?? null,
    referrer: t.referrer ?? null,
    url: t.url ?? null,
    click_ids: t.click_ids ?? null,
    at: timeOf(t.at, fallbackAt),
  };
}

/** Who did it: explicit fields, the beacon's logged-in user, and for `login` the identity in `contact`/`data`. */
function identityOf(input: AnyEventInput): Identity {
  const api = input as EventInput;
  const user = (input as BeaconEvent).user;
  const fromBody = input.event === 'login' ? (input.contact ?? input.data ?? {}) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  // Only the fields that are there, in this order.
  const identity: Identity = {};
  const contactId = api.contact_id;
  const email = api.contact_email ?? user?.email ?? text(fromBody.email);
  const phone = api.contact_phone ?? user?.phone ?? text(fromBody.phone);
  const externalId = api.external_id ?? user?.external_id ?? text(fromBody.external_id);
  if (contactId !== undefined) identity.contact_id = contactId;
  if (email !== undefined) identity.email = email;
  if (phone !== undefined) identity.phone = phone;
  if (externalId !== undefined) identity.external_id = externalId;
  return identity;
}

/** Attributes to set on the contact: `contact`, or for login/update `data` when `contact` is absent. */
function attributesOf(input: AnyEventInput): Record<string, PropertyValue> | null {
  const source = input.contact ?? (input.event === 'login' || input.event === 'update' ? input.data : undefined);
  if (!source) return null;
  const attributes = { ...source };
  for (const key of identityKeys) delete attributes[key];
  return roundFloats(attributes);
}

export interface NormalizeContext {
  auth: Auth;
  meta: RequestMeta;
  source: 'api' | 'beacon';
  idempotencyKey: string | null;
  requestHash: string;
  /** The parsed user agent of the request (beacons) or of the body's user_agent (server API). */
  userAgent: UserAgentInfo;
  /** Country lookup and IP privacy (enrich-country.ts); absent: the IP as given, no country. */
  locate?: IpLocator | undefined;
}

const placeOf = (ip: string | null, locate: IpLocator | undefined) => (locate ? locate(ip) : { ip, country: null });

/** Turns a validated input into the event the writer will store, with everything stateless decided. */
export function normalizeEvent(input: AnyEventInput, ctx: NormalizeContext): PendingEvent {
  const api = input as EventInput;
  const beacon = ctx.source === 'beacon' ? (input as BeaconEvent) : null;
  const occurredAt = timeOf(input.timestamp, ctx.meta.receivedAt);
  const placed = placeOf(beacon ? ctx.meta.ip : (api.ip ?? null), ctx.locate);
  // Fields written out, not spread: an object literal with a spread in its middle is built property by property
  // (1 µs an event more in the beacon bench's profile).
  return {
    source: ctx.source,
    accountId: ctx.auth.account.id,
    userId: ctx.source === 'api' ? ctx.auth.keyId : null,
    event: input.event,
    identity: identityOf(input),
    anonymousId: input.anonymous_id ?? null,
    sessionId: input.session_id ?? null,
    contactAttributes: attributesOf(input),
    idempotencyKey: ctx.idempotencyKey,
    requestHash: ctx.requestHash,
    amount: input.amount ?? null,
    data: roundFloats(input.data ?? {}),
    resource_uid: input.resource_uid ?? null,
    resource_name: input.resource_name ?? null,
    resource_url: input.resource_url ?? null,
    url: input.url ?? null,
    title: input.title ?? null,
    referrer: input.referrer ?? null,
    utm: utmOf(input),
    click_ids: input.click_ids ?? null,
    ip: placed.ip,
    country: placed.country,
    user_agent: beacon ? ctx.meta.userAgent : (api.user_agent ?? null),
    browser: ctx.userAgent.browser,
    os: ctx.userAgent.os,
    device_type: ctx.userAgent.device_type,
    test: ctx.auth.test || input.test === true,
    occurredAt,
    receivedAt: ctx.meta.receivedAt,
    firstTouch: touchOf(beacon?.first_touch, occurredAt),
    lastTouch: touchOf(beacon?.last_touch, occurredAt),
  };
}
