import { z } from 'zod';
import { apiErrorSchema } from './errors.js';

export const discardReasonSchema = z.enum(['duplicate_order', 'throttled', 'bot']);
export type DiscardReason = z.infer<typeof discardReasonSchema>;

/** One item's outcome in a batch or a beacon. */
export const itemResultSchema = z.object({
  index: z.number().int(),
  status: z.enum(['created', 'duplicate', 'discarded', 'rejected']),
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

export const eventStatusSchema = z.object({
  status: z.enum(['created', 'not_found']),
  event_id: z.number().int().optional(),
});
export type EventStatus = z.infer<typeof eventStatusSchema>;
