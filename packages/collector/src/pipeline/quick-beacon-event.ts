import { type BeaconEvent, beaconEventSchema, limits, touchSchema } from '@tracklet/protocol';
import type { z } from 'zod';

/**
 * `beaconEventSchema`'s parse of the events a tracker sends, without zod's machinery, which costs several µs per
 * event: ~25 field schemas run for every event whatever it carries, each with its own result objects. Every value
 * is either checked here by the schema's own simple rule (a string's length, the event name's pattern, an integer,
 * a flat properties object) or handed to the field's zod schema; whatever these say no to goes to the whole
 * schema (`parseOrThrow`), so zod alone words the errors. An accepted event is what zod would answer, to the key
 * order (test/quick-beacon-event.test.ts compares both on generated events). The input is parsed JSON.
 */

type Shape = typeof beaconEventSchema.shape;
/** The value as the schema would answer it, or undefined when this check is not sure (the field's schema decides). */
type Check = (value: unknown) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const text =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max ? v : undefined;
/** text(…).nullish() */
const nullableText =
  (max: number): Check =>
  (v) =>
    v === null ? null : text(0, max)(v);
/** z.number().int().min(0) (at most Number.MAX_SAFE_INTEGER, zod's int) */
const count =
  (max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;

/**
 * propertiesSchema: a plain object of ≤100 keys matching the key pattern, each a string (≤2048), finite number,
 * boolean or null, ≤32 KB as JSON. Answers a copy, as zod's record does. Not sure of big ones: a bound on their
 * size as UTF-8 JSON must be under the limit. Keys are ASCII; a string's character is at most 6 bytes (`\u001f`),
 * a number at most 25 characters, `false` 5; each entry adds 2 quotes, a colon and a comma.
 */
function properties(v: unknown): Record<string, unknown> | undefined {
  if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const keys = Object.keys(v);
  if (keys.length > limits.maxProperties) return undefined;
  const out: Record<string, unknown> = {};
  let bytes = 2;
  for (const key of keys) {
    if (key === '__proto__' || !limits.propertyKeyPattern.test(key)) return undefined;
    const value = v[key];
    if (typeof value === 'string') {
      if (value.length > limits.maxStringLength) return undefined;
      bytes += 6 * value.length + 2;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return undefined;
      bytes += 25;
    } else if (value === null || typeof value === 'boolean') {
      bytes += 5;
    } else {
      return undefined;
    }
    bytes += key.length + 4;
    out[key] = value;
  }
  return bytes <= limits.maxDataBytes ? out : undefined;
}

/** touchSchema (a z.object: keys it does not name are dropped); click ids and ISO times are left to it. */
const touchShape = touchSchema.shape;
const touchKeys = Object.keys(touchShape) as (keyof typeof touchShape)[];
const touchChecks: Record<string, Check | undefined> = {
  utm_source: text(0, 512),
  utm_medium: text(0, 512),
  utm_term: text(0, 512),
  utm_content: text(0, 512),
  utm_campaign: text(0, 512),
  referrer: nullableText(2048),
  url: nullableText(2048),
  at: count(Number.MAX_SAFE_INTEGER),
};
function touch(v: unknown): Record<string, unknown> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of touchKeys) {
    if (!(key in v)) continue;
    const value = touchChecks[key]?.(v[key]);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

/** Every field of the schema; `undefined`: always left to the field's schema (click ids, user, resource_url). */
const checks: Record<keyof Shape, Check | undefined> = {
  event: (v) => (typeof v === 'string' && limits.eventNamePattern.test(v) ? v : undefined),
  anonymous_id: text(1, 128),
  session_id: text(1, 128),
  contact: properties,
  timestamp: count(8.64e15),
  amount: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
  resource_uid: text(0, 256),
  resource_name: text(0, 512),
  resource_url: undefined,
  url: text(0, 2048),
  title: text(0, 1024),
  referrer: text(0, 2048),
  test: (v) => (typeof v === 'boolean' ? v : undefined),
  data: properties,
  utm_source: text(0, 512),
  utm_medium: text(0, 512),
  utm_term: text(0, 512),
  utm_content: text(0, 512),
  utm_campaign: text(0, 512),
  click_ids: undefined,
  id: text(1, limits.maxIdempotencyKeyLength),
  user: undefined,
  first_touch: touch,
  last_touch: touch,
};

const shape: Shape = beaconEventSchema.shape;
/** The schema's fields in its order (zod answers them in this order), and those an event must have. */
const fields = Object.keys(shape) as (keyof Shape)[];
const known = new Set<string>(fields);
const required = new Set(fields.filter((key) => (shape[key] as z.ZodType)._zod.optin !== 'optional'));
/** A schema with a field this module does not know (or without one it knows) is left to zod entirely. */
const inStep = fields.length === Object.keys(checks).length && fields.every((key) => Object.hasOwn(checks, key));

/** The event as beaconEventSchema parses it, or undefined: then parse it with the schema itself. */
export function quickBeaconEvent(raw: unknown): BeaconEvent | undefined {
  if (!inStep || !isObject(raw)) return undefined;
  for (const key in raw) if (!known.has(key)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of fields) {
    if (!(key in raw)) {
      if (required.has(key)) return undefined;
      continue;
    }
    const given = raw[key];
    if (given === undefined) return undefined;
    let value = checks[key]?.(given);
    if (value === undefined) {
      const parsed = (shape[key] as z.ZodType).safeParse(given);
      if (!parsed.success || parsed.data === undefined) return undefined;
      value = parsed.data;
    }
    out[key] = value;
  }
  return out as BeaconEvent;
}
