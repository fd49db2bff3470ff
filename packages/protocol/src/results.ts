import { z } from 'zod';
import { apiErrorSchema } from './errors.js';

export const discardReasonSchema = z.enum(['duplicate_order', 'throttled', 'bot']);
export type DiscardReason = z.infer<typeof discardReasonSchema>;

/**
 * One item's outcome in a batch or a beacon. `accepted` (log mode, TRACKLET_LOG): durable in the event log, stored
 * when a writer commits it — a beacon's events always, a batch item whose outcome did not come within the wait.
 */
export const itemResultSchema = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'accepted', 'duplicate', 'discarded', 'rejected']),
  id: z.number().int().optional(),
  reason: discardReasonSchema.optional(),
  errors: z.array(apiErrorSchema).optional(),
});
export type ItemResult = z.infer<typeof itemResultSchema>;

export const resultsBodySchema = z.object({ results: z.array(itemResultSchema) });
export type ResultsBody = z.infer<typeof resultsBodySchema>;

/** 200 answer to a single event that was discarded instead of stored. */
export const discardedBodySchema = z.object({
  status: z.literal('discarded'),
  reason: discardReasonSchema,
  event: z.string(),
  order_id: z.string().optional(),
});
export type DiscardedBody = z.infer<typeof discardedBodySchema>;

/**
 * 202 answer to a single event in log mode whose writer outcome did not come within TRACKLET_LOG_WAIT_MS: durable in
 * the log, stored soon; `GET /v1/events/status?idempotency_key=` turns `created` once it is.
 */
export const acceptedBodySchema = z.object({
  status: z.literal('accepted'),
  id: z.number().int().optional(),
  idempotency_key: z.string().nullable(),
});
export type AcceptedBody = z.infer<typeof acceptedBodySchema>;

export const eventStatusSchema = z.object({
  status: z.enum(['created', 'not_found']),
  event_id: z.number().int().optional(),
});
export type EventStatus = z.infer<typeof eventStatusSchema>;

/** `DELETE /v1/contacts/:id`. */
export const deletedBodySchema = z.object({ id: z.number().int(), deleted: z.literal(true) });
/** `DELETE /v1/admin/keys/:id`. */
export const revokedBodySchema = z.object({ id: z.number().int(), revoked: z.literal(true) });
/** `GET /healthz`, and `GET /readyz` with the store's kind. */
export const healthBodySchema = z.object({ status: z.literal('ok') });
export const readyBodySchema = z.object({ status: z.literal('ready'), store: z.string() });
