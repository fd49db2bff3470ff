import { limits, type PropertyValue } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';

type Flat = Record<string, PropertyValue>;

/** A property key as Tracklet allows it (`^[A-Za-z0-9_]{1,128}$`): every run of other characters becomes `_`. */
const keyOf = (key: string) => key.replace(/[^A-Za-z0-9_]+/g, '_');

function put(out: Flat, key: string, value: PropertyValue, path: string): void {
  if (key in out) {
    throw new TrackletError('invalid_property_name', `${path} and another property both flatten to "${key}"`, {
      path,
    });
  }
  out[key] = value;
}

function arrayText(value: unknown[], path: string): string {
  const text = JSON.stringify(value);
  if (text.length > limits.maxStringLength) {
    throw new TrackletError(
      'invalid_property_value',
      `${path} is ${text.length} characters as JSON text; at most ${limits.maxStringLength}`,
      { path },
    );
  }
  return text;
}

function flattenInto(out: Flat, source: Record<string, unknown>, prefix: string, path: string): void {
  for (const [rawKey, value] of Object.entries(source)) {
    const key = prefix + keyOf(rawKey);
    const at = `${path}.${rawKey}`;
    if (value === undefined) continue;
    if (Array.isArray(value)) put(out, key, arrayText(value, at), at);
    else if (value !== null && typeof value === 'object')
      flattenInto(out, value as Record<string, unknown>, `${key}_`, at);
    else if (typeof value === 'number' && !Number.isFinite(value))
      throw new TrackletError('invalid_property_value', `${at} is not a finite number`, { path: at });
    else put(out, key, value as PropertyValue, at);
  }
}

/**
 * Segment's nested `properties` / `traits` as Tracklet's flat `data`: nested objects are joined with `_`
 * (`{ product: { sku: 'A1' } }` → `product_sku`), keys keep their case with other characters as `_`, arrays are
 * kept as JSON text (at most 2,048 characters, else the message is refused), `undefined` is left out. Two keys
 * that flatten to the same name are refused rather than one silently winning; the usual limits of `data` (≤100
 * keys, strings ≤2,048, ≤32 KB) are checked afterwards by the contract's own schema.
 */
export function flattenProperties(source: Record<string, unknown> | undefined, path: string): Flat {
  const out: Flat = {};
  if (source) flattenInto(out, source, '', path);
  return out;
}
