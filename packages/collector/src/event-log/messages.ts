import { createHash } from 'node:crypto';
import type { ApiError, DiscardReason, StoredEvent } from '@tracklet/protocol';
import type { PendingEvent } from '../pipeline/context.js';

/*
 * What travels through NATS: the message a collector publishes for each accepted event, and the outcome a writer
 * sends back after COMMIT.
 */

/** Bumped when the message's shape changes incompatibly; a writer refuses versions it does not know. */
export const logMessageVersion = 1;

/** What a collector publishes for one accepted event: the pending event with its id, and where to send the outcome. */
export interface LogMessage {
  v: typeof logMessageVersion;
  event: PendingEvent & { id: number };
  /** The core NATS subject the accepting collector listens on for this event's outcome; null: nobody waits (beacons). */
  reply: string | null;
  /** The outcome carries the stored event (a single server-API event answers with it), not only its id. */
  full: boolean;
}

/** The stream's subject for an account's events: `<stream>.<account id>`. */
export const subjectOf = (stream: string, accountId: number) => `${stream}.${accountId}`;

/**
 * JetStream's message id, which its duplicate window de-duplicates on: the idempotency key with the hash of the
 * request (same key + same body is absorbed; same key + another body reaches the writer, which answers 409), else
 * the event id the collector assigned (a retried publish of the same event).
 */
export function messageIdOf(event: PendingEvent & { id: number }): string {
  return event.idempotencyKey !== null
    ? `${event.accountId}:k:${event.idempotencyKey}:${event.requestHash}`
    : `${event.accountId}:id:${event.id}`;
}

export function encodeLogMessage(event: PendingEvent & { id: number }, reply: string | null, full: boolean): string {
  const message: LogMessage = { v: logMessageVersion, event, reply, full };
  return JSON.stringify(message);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message, or null when it is not one this writer can take (a poison message: logged and acked, never retried). */
export function decodeLogMessage(data: Uint8Array): LogMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return null;
  }
  if (!isObject(parsed) || parsed.v !== logMessageVersion || !isObject(parsed.event)) return null;
  const e = parsed.event;
  const valid =
    Number.isSafeInteger(e.id) &&
    (e.id as number) > 0 &&
    Number.isSafeInteger(e.accountId) &&
    (e.source === 'api' || e.source === 'beacon') &&
    typeof e.event === 'string' &&
    typeof e.requestHash === 'string' &&
    isObject(e.identity) &&
    isObject(e.data) &&
    isObject(e.utm) &&
    typeof e.receivedAt === 'number' &&
    typeof e.occurredAt === 'number' &&
    (parsed.reply === null || typeof parsed.reply === 'string') &&
    typeof parsed.full === 'boolean';
  return valid ? (parsed as unknown as LogMessage) : null;
}

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
 * JetStream absorbed as a duplicate listens there (publish-and-wait.ts). Subject tokens cannot hold every
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
