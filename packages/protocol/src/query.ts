import { z } from 'zod';
import * as limits from './limits.js';

const boolParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const intParam = z
  .string()
  .regex(/^\d{1,16}$/, 'must be a whole number')
  .transform(Number);
const timeParam = z.union([
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((v) => Date.parse(v)),
  z.iso.date().transform((v) => Date.parse(v)),
]);

/** Query string of `GET /v1/events` and `GET /v1/contacts/:id/events`. */
export const listEventsQuerySchema = z.strictObject({
  page: intParam.pipe(z.number().int().min(1).max(1_000_000)).optional(),
  limit: intParam.pipe(z.number().int().min(1).max(limits.maxPageSize)).optional(),
  event: z.string().max(64).optional(),
  contact_id: intParam.optional(),
  anonymous_id: z.string().max(limits.maxVisitorIdLength).optional(),
  created_after: timeParam.optional(),
  created_before: timeParam.optional(),
  resource_uid: z.string().max(limits.maxResourceUidLength).optional(),
  resource_name: z.string().max(limits.maxResourceNameLength).optional(),
  test: boolParam.optional(),
  after_id: intParam.optional(),
});
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

/** Query string of `GET /v1/contacts`. */
export const listContactsQuerySchema = z.strictObject({
  email: z.string().max(limits.maxEmailLength).optional(),
  phone: z.string().max(limits.maxPhoneLength).optional(),
  external_id: z.string().max(limits.maxExternalIdLength).optional(),
  page: intParam.pipe(z.number().int().min(1).max(1_000_000)).optional(),
  limit: intParam.pipe(z.number().int().min(1).max(limits.maxPageSize)).optional(),
});
export type ListContactsQuery = z.infer<typeof listContactsQuerySchema>;

export const eventStatusQuerySchema = z.strictObject({
  idempotency_key: z.string().min(1).max(limits.maxIdempotencyKeyLength),
});
