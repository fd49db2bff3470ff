import { z } from 'zod';

/**
 * Segment's HTTP Tracking API messages (segment.com/docs/connections/spec/common/), checked only as far as the
 * mapping reads them: loose objects, because the libraries add fields of their own (`_metadata`, `writeKey`,
 * `channel`, `library`, …) that Segment accepts and Tracklet ignores.
 */
const time = z.union([z.string().max(64), z.number().finite()]);
const object = z.record(z.string(), z.unknown());
const id = z.union([z.string().max(256), z.number().finite()]).transform((v) => String(v).trim());
/** Absent, and `null` as absent: analytics-next sends `"userId": null` for an anonymous visitor. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const common = {
  messageId: optional(z.string().min(1).max(128)),
  anonymousId: optional(id),
  userId: optional(id),
  timestamp: optional(time),
  originalTimestamp: optional(time),
  sentAt: optional(time),
  context: optional(object),
};

export const trackSchema = z.looseObject({
  ...common,
  type: z.literal('track'),
  event: z.string().min(1).max(256),
  properties: optional(object),
});

export const identifySchema = z.looseObject({ ...common, type: z.literal('identify'), traits: optional(object) });

export const pageSchema = z.looseObject({
  ...common,
  type: z.enum(['page', 'screen']),
  name: z.string().max(512).nullish(),
  category: z.string().max(512).nullish(),
  properties: optional(object),
});

export const groupSchema = z.looseObject({
  ...common,
  type: z.literal('group'),
  groupId: id,
  traits: optional(object),
});

export const aliasSchema = z.looseObject({ ...common, type: z.literal('alias'), userId: id, previousId: id });

export const messageSchema = z.discriminatedUnion('type', [
  trackSchema,
  identifySchema,
  pageSchema,
  groupSchema,
  aliasSchema,
]);
export type SegmentMessage = z.infer<typeof messageSchema>;
export type SegmentType = SegmentMessage['type'];

/**
 * `POST /v1/batch` (and the browser's `/v1/b`): the messages are checked one by one, so one bad message never
 * refuses the others. A batch's own `context` and `integrations` apply to every message (Segment's batch docs).
 */
export const batchSchema = z.looseObject({
  batch: z.array(z.unknown()).min(1),
  sentAt: optional(time),
  writeKey: optional(z.string().max(256)),
  context: optional(object),
});
export type SegmentBatch = z.infer<typeof batchSchema>;
