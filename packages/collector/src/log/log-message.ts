import type { PendingEvent } from '../pipeline/context.js';

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
