import { type BeaconEvent, type EventInput, limits, type PropertyValue, type TouchInput, utmKeys } from '@tracklet/protocol';
import type { TouchRecord } from '../store/records.js';
import type { Auth, Identity, PendingEvent, RequestMeta } from './context.js';
import type { UserAgentInfo } from './enrich-user-agent.js';

type AnyEventInput = EventInput | BeaconEvent;
const identityKeys = ['email', 'phone', 'external_id'] as const;

/** Floats are rounded to 6 decimal places (API.md "The event", data). */
export function roundFloats(data: Record<string, PropertyValue>): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] = typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(limits.floatDecimals)) : value;
  }
  return out;
}

function queryOf(url: string | null | undefined): URLSearchParams | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://relative.invalid').searchParams;
  } catch {
    return null;
  }
}

/** UTM fields as given, else from resource_url's (or the page url's) query string. */
export function utmOf(input: AnyEventInput): PendingEvent['utm'] {
  const query = queryOf(input.resource_url) ?? null;
  const pageQuery = queryOf(input.url);
  const utm = {} as PendingEvent['utm'];
  for (const key of utmKeys) {
    utm[key] = input[key] ?? query?.get(key)?.slice(0, 512) ?? pageQuery?.get(key)?.slice(0, 512) ?? null;
  }
  return utm;
}

export const timeOf = (t: string | number | undefined, fallback: number) =>
  t === undefined ? fallback : typeof t === 'number' ? t : Date.parse(t);

export function touchOf(t: TouchInput | undefined, fallbackAt: number): TouchRecord | null {
  if (!t) return null;
  return {
    utm_source: t.utm_source ?? null, utm_medium: t.utm_medium ?? null, utm_term: t.utm_term ?? null,
    utm_content: t.utm_content ?? null, utm_campaign: t.utm_campaign ?? null, referrer: t.referrer ?? null,
    url: t.url ?? null, click_ids: t.click_ids ?? null, at: timeOf(t.at, fallbackAt),
  };
}

/** Who did it: explicit fields, the beacon's logged-in user, and for `login` the identity in `contact`/`data`. */
function identityOf(input: AnyEventInput): Identity {
  const api = input as EventInput;
  const user = (input as BeaconEvent).user;
  const fromBody = input.event === 'login' ? (input.contact ?? input.data ?? {}) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const identity: Identity = {
    contact_id: api.contact_id,
    email: api.contact_email ?? user?.email ?? text(fromBody.email),
    phone: api.contact_phone ?? user?.phone ?? text(fromBody.phone),
    external_id: api.external_id ?? user?.external_id ?? text(fromBody.external_id),
  };
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined));
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
}

/** Turns a validated input into the event the writer will store, with everything stateless decided. */
export function normalizeEvent(input: AnyEventInput, ctx: NormalizeContext): PendingEvent {
  const api = input as EventInput;
  const beacon = ctx.source === 'beacon' ? (input as BeaconEvent) : null;
  const occurredAt = timeOf(input.timestamp, ctx.meta.receivedAt);
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
    ip: beacon ? ctx.meta.ip : (api.ip ?? null),
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
