import { z } from 'zod';
import { eventNameSchema } from './event.js';
import * as limits from './limits.js';
import { timeZoneSchema } from './time-zone.js';

export const scopeSchema = z.enum([
  'events.write',
  'events.read',
  'contacts.write',
  'contacts.read',
  'stats.read',
  'webhooks.read',
  'webhooks.write',
]);
export type Scope = z.infer<typeof scopeSchema>;
export const allScopes: readonly Scope[] = scopeSchema.options;

/** `share`: a dashboard share link's token (issue #19), which only ever reads aggregate stats. */
export const keyTypeSchema = z.enum(['publishable', 'live', 'test', 'share']);
export type KeyType = z.infer<typeof keyTypeSchema>;

/** An origin as the browser sends it: scheme://host[:port], no path. */
export const originSchema = z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://shop.example');

const perMinute = z.number().int().min(1).max(1_000_000);

/**
 * An account's request budgets per minute: `api_per_minute` for each of its secret keys (a JWT's budget is the
 * account's), `beacons_per_minute` for each client IP with its publishable key. null (or absent) = the server's
 * default (TRACKLET_RATE_LIMIT_API / TRACKLET_RATE_LIMIT_BEACONS).
 */
export const rateLimitInputSchema = z.strictObject({
  api_per_minute: perMinute.nullable().optional(),
  beacons_per_minute: perMinute.nullable().optional(),
});
export type RateLimitInput = z.infer<typeof rateLimitInputSchema>;

export const rateLimitSchema = z.object({
  api_per_minute: z.number().int().nullable(),
  beacons_per_minute: z.number().int().nullable(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const createAccountSchema = z.strictObject({
  name: z.string().trim().min(1).max(limits.maxAccountNameLength),
  allowed_origins: z.array(originSchema).max(limits.maxAllowedOrigins).nullish(),
  allowed_events: z.array(eventNameSchema).max(limits.maxAllowedEvents).nullish(),
  rate_limit: rateLimitInputSchema.nullish(),
  /** IANA name; the stats' days and hours when a query names no zone (and the dashboard's). Default UTC. */
  timezone: timeZoneSchema.optional(),
});
export type CreateAccount = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  name: z.string().trim().min(1).max(limits.maxAccountNameLength).optional(),
  allowed_origins: z.array(originSchema).max(limits.maxAllowedOrigins).nullable().optional(),
  allowed_events: z.array(eventNameSchema).max(limits.maxAllowedEvents).nullable().optional(),
  /** Merged into the account's settings: a budget given as null goes back to the default; `rate_limit: null` resets both. */
  rate_limit: rateLimitInputSchema.nullable().optional(),
  timezone: timeZoneSchema.optional(),
});
export type UpdateAccount = z.infer<typeof updateAccountSchema>;

export const createKeySchema = z.strictObject({
  type: keyTypeSchema,
  scopes: z.array(scopeSchema).min(1).optional(),
});
export type CreateKey = z.infer<typeof createKeySchema>;

export const accountSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  allowed_origins: z.array(z.string()),
  allowed_events: z.array(z.string()).nullable(),
  rate_limit: rateLimitSchema,
  timezone: z.string(),
  created_at: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

export const issuedKeySchema = z.object({
  id: z.number().int(),
  key: z.string(),
  type: keyTypeSchema,
  scopes: z.array(scopeSchema),
});
export type IssuedKey = z.infer<typeof issuedKeySchema>;

export const accountWithKeysSchema = accountSchema.extend({
  keys: z.object({ publishable: z.string(), live: z.string(), test: z.string() }),
});
export type AccountWithKeys = z.infer<typeof accountWithKeysSchema>;
