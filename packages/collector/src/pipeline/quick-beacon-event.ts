import { type BeaconEvent, beaconEventSchema, propertiesSchema } from '@tracklet/protocol';
import type { z } from 'zod';
import { quickProperties } from './quick-properties.js';

/**
 * `beaconEventSchema`'s parse of the events a tracker sends, without zod's machinery, which costs several µs per
 * event: ~25 field schemas run for every event whatever it carries, each with its own result objects. The checks
 * are compiled from the schema itself at start-up, so they cannot drift from it: plain strings, numbers and booleans
 * with their length, pattern, integer and range checks, nullable and optional wrappers, unions, objects, and the
 * flat properties object. Anything else (formats such as URLs and ISO times, refinements, transforms) is handed to
 * the field's own zod schema; whatever these say no to goes to the whole schema (`parseOrThrow`), so zod alone
 * words the errors. An accepted event is what zod would answer, to the key order
 * (test/quick-beacon-event.test.ts compares both on generated events). The input is parsed JSON.
 */

/** The value as the schema would answer it, or undefined when this check is not sure (the field's schema decides). */
type Check = (value: unknown) => unknown;
/** A compiled schema: `check` when one could be compiled (`exact`: its undefined is a sure no), the JS types it takes. */
interface Rule {
  check?: Check;
  exact: boolean;
  types: ReadonlySet<string>;
}
type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type CheckDef = { check: string; format?: string; pattern?: RegExp; value?: number; inclusive?: boolean } & Record<
  string,
  unknown
>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const any = new Set(['string', 'number', 'boolean', 'null', 'object', 'array']);
const opaque = (types: ReadonlySet<string> = any): Rule => ({ exact: false, types });
const checksOf = (def: Def) => ((def.checks ?? []) as z.core.$ZodCheck[]).map((c) => c._zod.def as CheckDef);

/** A string's length and pattern checks; formats (URL, email, ISO time…) are left to zod. */
function stringRule(def: Def): Rule {
  const types = new Set(['string']);
  let min = 0;
  let max = Infinity;
  const patterns: RegExp[] = [];
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern) patterns.push(c.pattern);
    else return opaque(types);
  }
  if (def.format !== undefined || def.coerce) return opaque(types);
  const check: Check = (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max && patterns.every((p) => p.test(v)) ? v : undefined;
  return { check, exact: true, types };
}

/** A finite number with its integer format and bounds. */
function numberRule(def: Def): Rule {
  const types = new Set(['number']);
  const tests: ((v: number) => boolean)[] = [Number.isFinite];
  for (const c of checksOf(def)) {
    const bound = c.value as number;
    if (c.check === 'number_format' && c.format === 'safeint') tests.push(Number.isSafeInteger);
    else if (c.check === 'greater_than') tests.push(c.inclusive ? (v) => v >= bound : (v) => v > bound);
    else if (c.check === 'less_than') tests.push(c.inclusive ? (v) => v <= bound : (v) => v < bound);
    else return opaque(types);
  }
  if (def.format !== undefined || def.coerce) return opaque(types);
  return { check: (v) => (typeof v === 'number' && tests.every((t) => t(v)) ? v : undefined), exact: true, types };
}

/** zod answers the first member that takes the value: members before it must surely say no. */
function unionRule(options: Rule[]): Rule {
  const types = new Set(options.flatMap((o) => [...o.types]));
  const check: Check = (v) => {
    const type = typeOf(v);
    for (const option of options) {
      if (!option.types.has(type)) continue;
      const value = option.check?.(v);
      if (value !== undefined) return value;
      if (!option.exact) return undefined;
    }
    return undefined;
  };
  return { check, exact: options.every((o) => o.exact), types };
}

/** A z.object (unknown keys dropped) or z.strictObject (unknown keys: not sure), its fields in the schema's order. */
function objectRule(def: Def): Rule {
  const shape = def.shape as Record<string, z.ZodType>;
  const fields = Object.keys(shape).map((key) => ({
    key,
    required: shape[key]!._zod.optin !== 'optional',
    rule: compile(shape[key]!),
  }));
  const known = new Set(fields.map((f) => f.key));
  const strict = (def.catchall as z.ZodType | undefined)?._zod.def.type === 'never';
  if (def.catchall && !strict) return opaque(new Set(['object']));
  const check: Check = (v) => {
    if (!isObject(v)) return undefined;
    if (strict) for (const key in v) if (!known.has(key)) return undefined;
    const out: Record<string, unknown> = {};
    for (const { key, required, rule } of fields) {
      if (!(key in v)) {
        if (required) return undefined;
        continue;
      }
      const value = v[key] === undefined ? undefined : rule.check?.(v[key]);
      if (value === undefined) return undefined;
      out[key] = value;
    }
    return out;
  };
  return { check, exact: false, types: new Set(['object']) };
}

/** The rule of any schema: the kinds above, their optional and nullable wrappers, else opaque. */
function compile(schema: z.ZodType): Rule {
  if (schema === propertiesSchema) return { check: quickProperties, exact: false, types: new Set(['object']) };
  const def = schema._zod.def as Def;
  const hasChecks = checksOf(def).length > 0;
  switch (def.type) {
    case 'string':
      return stringRule(def);
    case 'number':
      return numberRule(def);
    case 'boolean':
      if (hasChecks) return opaque(new Set(['boolean']));
      return { check: (v) => (typeof v === 'boolean' ? v : undefined), exact: true, types: new Set(['boolean']) };
    case 'optional':
      return compile(def.innerType as z.ZodType);
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType);
      const check: Check = (v) => (v === null ? null : inner.check?.(v));
      return { check, exact: inner.exact, types: new Set([...inner.types, 'null']) };
    }
    case 'union':
      return hasChecks ? opaque() : unionRule((def.options as z.ZodType[]).map(compile));
    case 'object':
      return hasChecks ? opaque() : objectRule(def);
    default:
      return opaque();
  }
}

const shape = beaconEventSchema.shape as Record<keyof BeaconEvent, z.ZodType>;
/** The schema's fields in its order (zod answers them in this order), each with its compiled check. */
const fields = (Object.keys(shape) as (keyof BeaconEvent)[]).map((key) => ({
  key,
  schema: shape[key],
  required: shape[key]._zod.optin !== 'optional',
  check: compile(shape[key]).check,
}));
const known = new Set<string>(fields.map((f) => f.key));

/** The event as beaconEventSchema parses it, or undefined: then parse it with the schema itself. */
export function quickBeaconEvent(raw: unknown): BeaconEvent | undefined {
  if (!isObject(raw)) return undefined;
  for (const key in raw) if (!known.has(key)) return undefined;
  const out: Record<string, unknown> = {};
  for (const { key, schema, required, check } of fields) {
    if (!(key in raw)) {
      if (required) return undefined;
      continue;
    }
    const given = raw[key];
    if (given === undefined) return undefined;
    let value = check?.(given);
    if (value === undefined) {
      const parsed = schema.safeParse(given);
      if (!parsed.success || parsed.data === undefined) return undefined;
      value = parsed.data;
    }
    out[key] = value;
  }
  return out as BeaconEvent;
}
