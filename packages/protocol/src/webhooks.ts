import { z } from 'zod';
import { eventNamePattern } from './limits.js';

/** What an endpoint subscribes to: event names, `contact.merged` (a login merged a visitor), or `*` for everything. */
export const webhookEventTypeSchema = z.union([
  z.string().regex(eventNamePattern, 'must be an event name, contact.merged or *'),
  z.literal('contact.merged'),
  z.literal('*'),
]);

/** http(s) only; whether the host is a public address is checked by the collector (at creation and at each connect). */
export const webhookUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048);

export const createWebhookSchema = z.strictObject({
  url: webhookUrlSchema,
  events: z.array(webhookEventTypeSchema).min(1).max(100),
  description: z.string().max(500).optional(),
});
export type CreateWebhook = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: webhookUrlSchema.optional(),
  events: z.array(webhookEventTypeSchema).min(1).max(100).optional(),
  description: z.string().max(500).optional(),
  /** Re-enabling an endpoint the collector disabled clears `disabled_reason` and retries what failed meanwhile. */
  enabled: z.boolean().optional(),
});
export type UpdateWebhook = z.infer<typeof updateWebhookSchema>;

export const webhookEndpointSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string(),
  enabled: z.boolean(),
  /** Why the collector disabled it (after 3 days of failed deliveries), or null. */
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** The endpoint as created, or after a secret rotation: the signing secret (`whsec_…`) is shown this once. */
export const webhookWithSecretSchema = webhookEndpointSchema.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const deliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);

export const webhookDeliverySchema = z.object({
  id: z.number().int(),
  endpoint_id: z.number().int(),
  /** The event's name, or `contact.merged`. */
  type: z.string(),
  event_id: z.number().int().nullable(),
  contact_id: z.number().int().nullable(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  /** The last attempt's HTTP status (null: no answer: timeout, refused, not sent). */
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_duration_ms: z.number().int().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  /** Every attempt, oldest first: its HTTP status (null: no answer), error and duration. */
  history: z.array(
    z.object({
      attempt: z.number().int(),
      at: z.string(),
      status_code: z.number().int().nullable(),
      error: z.string().nullable(),
      duration_ms: z.number().int(),
    }),
  ),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const listDeliveriesQuerySchema = z.strictObject({
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const deliveryParamsSchema = z.object({
  id: z.string().regex(/^\d{1,16}$/),
  delivery_id: z.string().regex(/^\d{1,16}$/),
});
