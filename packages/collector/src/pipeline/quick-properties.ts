import { limits } from '@tracklet/protocol';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `propertiesSchema`, whose superRefine cannot be compiled (quick-beacon-event.ts), by hand from the same limits: a
 * plain object of ≤100 keys matching the key pattern, each a string (≤2048), finite number, boolean or null, ≤32 KB
 * as JSON. Answers a copy, as zod's record does. Not sure of big ones: a bound on their
 * size as UTF-8 JSON must be under the limit. Keys are ASCII; a string's character is at most 6 bytes (`\u001f`),
 * a number at most 25 characters, `false` 5; each entry adds 2 quotes, a colon and a comma.
 */
export function quickProperties(v: unknown): Record<string, unknown> | undefined {
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
