import { z } from 'zod';
import * as limits from './limits.js';

/** A property value: flat scalars only; nested objects and arrays are rejected. */
export const propertyValueSchema = z.union([z.string().max(limits.maxStringLength), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof propertyValueSchema>;

/**
 * A flat property object (`data`, contact attributes): ≤100 keys matching the key pattern, ≤32 KB as JSON.
 * Issues carry `params.code` so the collector can name the contract's error code.
 */
const utf8 = new TextEncoder();

export const propertiesSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const keys = Object.keys(value);
    if (keys.length > limits.maxProperties) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${limits.maxProperties} properties, got ${keys.length}`,
        params: { code: 'too_many_properties' },
      });
    }
    for (const key of keys) {
      if (!limits.propertyKeyPattern.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `property name must match ${limits.propertyKeyPattern}`,
          params: { code: 'invalid_property_name' },
        });
        continue;
      }
      const parsed = propertyValueSchema.safeParse(value[key]);
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          params: { code: 'invalid_property_value' },
          message: `property values must be a string (≤${limits.maxStringLength} chars), number, boolean or null`,
        });
      }
    }
    // Bytes of UTF-8, not characters: TextEncoder exists in browsers and Node alike.
    if (utf8.encode(JSON.stringify(value)).length > limits.maxDataBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `properties must be at most ${limits.maxDataBytes} bytes as JSON`,
        params: { code: 'data_too_large' },
      });
    }
  })
  .transform((value) => value as Record<string, PropertyValue>);
export type Properties = z.infer<typeof propertiesSchema>;

/** The types an event schema infers for a property (API.md "Event schemas"). */
export const propertyTypeSchema = z.enum(['bool', 'int', 'float', 'string', 'date', 'dateTime', 'email', 'url']);
export type PropertyType = z.infer<typeof propertyTypeSchema>;
