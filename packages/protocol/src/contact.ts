import { z } from 'zod';
import { emailSchema } from './event.js';
import * as limits from './limits.js';
import { propertiesSchema } from './properties.js';

/** `POST /v1/contacts`: create or update by email, phone or external_id, or update by id. */
export const contactUpsertSchema = z
  .strictObject({
    id: z.number().int().positive().optional(),
    email: emailSchema.nullish(),
    phone: z.string().min(1).max(limits.maxPhoneLength).nullish(),
    external_id: z.string().min(1).max(limits.maxExternalIdLength).nullish(),
    attributes: propertiesSchema.optional(),
  })
  .refine((c) => c.id !== undefined || c.email || c.phone || c.external_id, {
    message: 'one of id, email, phone or external_id is required',
    params: { code: 'contact_identity_required' },
  });
export type ContactUpsert = z.infer<typeof contactUpsertSchema>;

export const touchOutputSchema = z.object({
  utm_source: z.string().nullable(),
  utm_medium: z.string().nullable(),
  utm_term: z.string().nullable(),
  utm_content: z.string().nullable(),
  utm_campaign: z.string().nullable(),
  referrer: z.string().nullable(),
  url: z.string().nullable(),
  click_ids: z.record(z.string(), z.string()).nullable(),
  at: z.string(),
});
export type Touch = z.infer<typeof touchOutputSchema>;

/** The profile every contact read returns. */
export const contactProfileSchema = z.object({
  id: z.number().int(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  external_id: z.string().nullable(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  anonymous_ids: z.array(z.string()),
  first_touch: touchOutputSchema.nullable(),
  last_touch: touchOutputSchema.nullable(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
  event_count: z.number().int(),
  merged_into: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ContactProfile = z.infer<typeof contactProfileSchema>;

export const eventSchemaSummarySchema = z.object({
  event: z.string(),
  properties: z.record(z.string(), z.string()),
  first_seen: z.string(),
  last_seen: z.string(),
});
export type EventSchemaSummary = z.infer<typeof eventSchemaSummarySchema>;
