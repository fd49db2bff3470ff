import { z } from 'zod';
import { eventNameSchema } from './event.js';

export const scopeSchema = z.enum(['events.write', 'events.read', 'contacts.write', 'contacts.read']);
export type Scope = z.infer<typeof scopeSchema>;
export const allScopes: readonly Scope[] = scopeSchema.options;

export const keyTypeSchema = z.enum(['publishable', 'live', 'test']);
export type KeyType = z.infer<typeof keyTypeSchema>;

/** An origin as the browser sends it: scheme://host[:port], no path. */
export const originSchema = z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://shop.example');

export const createAccountSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  allowed_origins: z.array(originSchema).max(100).nullish(),
  allowed_events: z.array(eventNameSchema).max(1000).nullish(),
});
export type CreateAccount = z.infer<typeof createAccountSchema>;

export const updateAccountSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  allowed_origins: z.array(originSchema).max(100).nullable().optional(),
  allowed_events: z.array(eventNameSchema).max(1000).nullable().optional(),
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
