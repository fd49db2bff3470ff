import { z } from 'zod';
import * as limits from './limits.js';
import { propertiesSchema } from './properties.js';

export const eventNameSchema = z
  .string()
  .regex(limits.eventNamePattern, `must match ${limits.eventNamePattern.source}`);

/** An email as given: trimmed, then checked; compared with `normalizeEmail` (limits.ts). */
export const emailSchema = z.string().trim().max(limits.maxEmailLength).pipe(z.email());

/** ISO-8601 date-time or epoch milliseconds. */
export const timestampSchema = z.union([
  z.number().int().min(0).max(8.64e15),
  z.iso.datetime({ offset: true }),
  z.iso.date(),
]);

const text = (max: number) => z.string().max(max);
const utm = () => text(limits.maxUtmLength).optional();
const utmFields = {
  utm_source: utm(),
  utm_medium: utm(),
  utm_term: utm(),
  utm_content: utm(),
  utm_campaign: utm(),
};
export const utmKeys = ['utm_source', 'utm_medium', 'utm_term', 'utm_content', 'utm_campaign'] as const;
export type UtmKey = (typeof utmKeys)[number];

/** Ad click ids (gclid, fbclid, …) from the landing URL: an extension to the contract, see README. */
export const clickIdsSchema = z
  .record(z.string().regex(limits.clickIdKeyPattern), text(limits.maxUtmLength))
  .refine((ids) => Object.keys(ids).length <= limits.maxClickIds, `at most ${limits.maxClickIds} click ids`);

/** Where a visitor came from: the contact's first and last touch. */
export const touchSchema = z.object({
  ...utmFields,
  referrer: text(limits.maxUrlLength).nullish(),
  url: text(limits.maxUrlLength).nullish(),
  click_ids: clickIdsSchema.nullish(),
  at: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).optional(),
});
export type TouchInput = z.infer<typeof touchSchema>;

/** Fields shared by a server-API event and a beacon event. */
export const eventFields = {
  event: eventNameSchema,
  contact_id: z.number().int().positive().optional(),
  contact_email: emailSchema.optional(),
  contact_phone: text(limits.maxPhoneLength).min(1).optional(),
  external_id: text(limits.maxExternalIdLength).min(1).optional(),
  anonymous_id: text(limits.maxVisitorIdLength).min(1).optional(),
  session_id: text(limits.maxVisitorIdLength).min(1).optional(),
  contact: propertiesSchema.optional(),
  idempotency_key: text(limits.maxIdempotencyKeyLength).min(1).optional(),
  timestamp: timestampSchema.optional(),
  amount: z.number().finite().optional(),
  resource_uid: text(limits.maxResourceUidLength).optional(),
  resource_name: text(limits.maxResourceNameLength).optional(),
  resource_url: z.url().max(limits.maxUrlLength).optional(),
  url: text(limits.maxUrlLength).optional(),
  title: text(limits.maxTitleLength).optional(),
  referrer: text(limits.maxUrlLength).optional(),
  test: z.boolean().optional(),
  data: propertiesSchema.optional(),
  ...utmFields,
  click_ids: clickIdsSchema.optional(),
  /** Server-side forwarding (Segment's context.ip / context.userAgent): used only by the server API. */
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  user_agent: text(limits.maxUserAgentLength).optional(),
};

/** `POST /v1/events` body, and each item of a batch. */
export const eventInputSchema = z.strictObject(eventFields);
export type EventInput = z.infer<typeof eventInputSchema>;

export const batchInputSchema = z.strictObject({
  events: z.array(z.unknown()).min(1).max(limits.maxBatchEvents),
});
export type BatchInput = z.infer<typeof batchInputSchema>;

/** What every read returns. */
export const storedEventSchema = z.object({
  id: z.number().int(),
  account_id: z.number().int(),
  contact_id: z.number().int(),
  user_id: z.number().int().nullable(),
  anonymous_id: z.string().nullable(),
  session_id: z.string().nullable(),
  event: z.string(),
  amount: z.number().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  idempotency_key: z.string().nullable(),
  resource_uid: z.string().nullable(),
  resource_name: z.string().nullable(),
  resource_url: z.string().nullable(),
  url: z.string().nullable(),
  title: z.string().nullable(),
  test: z.boolean(),
  generated: z.boolean(),
  chain_depth: z.number().int(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device_type: z.string().nullable(),
  referrer: z.string().nullable(),
  utm_source: z.string().nullable(),
  utm_medium: z.string().nullable(),
  utm_term: z.string().nullable(),
  utm_content: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  click_ids: z.record(z.string(), z.string()).nullable(),
  /** ISO 3166-1 alpha-2 country from the IP (issue #18); null when unknown. */
  country: z.string().nullable(),
  occurred_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;
