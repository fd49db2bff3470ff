import { z } from 'zod';
import { contactProfileSchema } from './contact.js';
import { storedEventSchema } from './event.js';
import { discardReasonSchema } from './results.js';

/**
 * The demo shop's read-only live panel API (`GET /demo/api/feed`), served for the demo account alone: its newest
 * events, recent discards, and two small charts' worth of counts.
 */
export const demoFeedSchema = z.object({
  total: z.number().int(),
  events: z.array(storedEventSchema),
  discarded: z.array(z.object({ at: z.string(), event: z.string(), reason: discardReasonSchema })),
  stats: z.object({
    per_minute: z.array(z.object({ minute: z.string(), count: z.number().int() })),
    by_utm_source: z.array(z.object({ source: z.string(), count: z.number().int() })),
  }),
});
export type DemoFeed = z.infer<typeof demoFeedSchema>;

/** `GET /demo/api/visitor?anonymous_id=`: the contact behind this browser, null before its first stored event. */
export const demoVisitorSchema = z.object({ contact: contactProfileSchema.nullable() });
export type DemoVisitor = z.infer<typeof demoVisitorSchema>;
