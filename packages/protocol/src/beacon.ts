import { z } from 'zod';
import { emailSchema, eventFields, touchSchema } from './event.js';
import * as limits from './limits.js';

/** The logged-in visitor, as the tracker knows them after `login`. */
export const beaconUserSchema = z.strictObject({
  email: emailSchema.optional(),
  phone: z.string().min(1).max(limits.maxPhoneLength).optional(),
  external_id: z.string().min(1).max(limits.maxExternalIdLength).optional(),
});
export type BeaconUser = z.infer<typeof beaconUserSchema>;

const {
  contact_id: _c,
  contact_email: _e,
  contact_phone: _p,
  external_id: _x,
  idempotency_key: _k,
  ip: _ip,
  user_agent: _ua,
  ...beaconEventFields
} = eventFields;

/** One event inside a beacon; `id` is the tracker's event id and its idempotency key. */
export const beaconEventSchema = z.strictObject({
  ...beaconEventFields,
  id: z.string().min(1).max(limits.maxIdempotencyKeyLength),
  anonymous_id: z.string().min(1).max(limits.maxVisitorIdLength),
  user: beaconUserSchema.optional(),
  first_touch: touchSchema.optional(),
  last_touch: touchSchema.optional(),
});
export type BeaconEvent = z.infer<typeof beaconEventSchema>;

/** `POST /v1/collect`: events are validated one by one so one bad event never rejects the others. */
export const beaconSchema = z.strictObject({
  key: z.string().min(1).max(limits.maxKeyLength),
  sent_at: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).optional(),
  events: z.array(z.unknown()).min(1).max(limits.maxBeaconEvents),
});
export type Beacon = z.infer<typeof beaconSchema>;
