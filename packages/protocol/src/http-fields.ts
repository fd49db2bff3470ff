import { z } from 'zod';
import { eventFields } from './event.js';

/** A resource id in a path: a positive integer (any other shape is the resource's 404, as an unknown id is). */
export const pathIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,16}$/) });

/** `POST /v1/events`: the idempotency key may come as a header, held to the body field's rule (issue #16). */
export const idempotencyKeyHeaderSchema = z.object({ 'Idempotency-Key': eventFields.idempotency_key });

/** The answer to a repeated idempotency key with the same body. */
export const replayedHeadersSchema = z.object({ 'Idempotent-Replayed': z.literal('true') });

/** Paging headers of every list (`X-Total-Count-Capped` when the count stopped at limits.maxExactCount). */
export const pageHeadersSchema = z.object({
  'X-Total-Count': z.string().regex(/^\d+$/),
  'X-Total-Count-Capped': z.literal('true').optional(),
  'X-Page': z.string().regex(/^\d+$/),
  'X-Per-Page': z.string().regex(/^\d+$/),
  Link: z.string(),
});
