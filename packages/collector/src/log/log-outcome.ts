import { createHash } from 'node:crypto';
import type { ApiError, DiscardReason, StoredEvent } from '@tracklet/protocol';

/**
 * What a writer tells the accepting collector about one event after its transaction committed (core NATS, to the
 * message's reply subject). `id` is the id the collector assigned; `eventId` the stored event's (another one when
 * the idempotency key was used before). `event` is there when the message asked for it (`full`).
 */
export type LogOutcome = { id: number } & (
  | { status: 'created' | 'duplicate'; eventId: number; event?: StoredEvent }
  | { status: 'discarded'; reason: DiscardReason; orderId?: string }
  | { status: 'rejected'; errors: ApiError[] }
);

/** Outcomes per core NATS message: well under NATS's 1 MB payload limit even with full events. */
export const outcomesPerMessage = 100;

/**
 * Where a writer also announces the outcome of a server-API message with an idempotency key: a repeat of it that
 * JetStream absorbed as a duplicate listens there (resolve-duplicate.ts). Subject tokens cannot hold every
 * character a key may, so the message id is hashed.
 */
export const keySubjectOf = (messageId: string) =>
  `tracklet.keys.${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}`;

export const encodeOutcomes = (outcomes: LogOutcome[]) => JSON.stringify(outcomes);

/** The outcomes of a message, or [] when it is not one (nothing to deliver). */
export function decodeOutcomes(data: Uint8Array): LogOutcome[] {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
    return Array.isArray(parsed)
      ? parsed.filter((o): o is LogOutcome => Number.isSafeInteger(o?.id) && typeof o?.status === 'string')
      : [];
  } catch {
    return [];
  }
}
