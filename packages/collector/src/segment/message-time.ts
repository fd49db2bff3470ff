import { TrackletError } from '../errors.js';

/** Epoch milliseconds of an ISO-8601 string or an epoch number (Segment's libraries send ISO strings). */
function msOf(value: string | number | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 8.64e15) {
    throw new TrackletError('invalid_field', `${path} must be an ISO-8601 date-time or epoch milliseconds`, { path });
  }
  return ms;
}

export interface MessageTimes {
  timestamp?: string | number;
  originalTimestamp?: string | number;
  sentAt?: string | number;
}

/**
 * When the message happened, with Segment's clock-skew correction
 * (segment.com/docs/connections/spec/common/#timestamps): the client's own time of the event
 * (`originalTimestamp`, else `timestamp`) is taken relative to the client's time of sending (`sentAt`, the
 * message's or the batch's) and placed before the collector's receive time by that much:
 * `receivedAt - (sentAt - originalTimestamp)`. A device whose clock is hours off still gets the right time, and a
 * historical import (an old timestamp sent now) keeps its age. Without `sentAt` the client's time is taken as
 * given; without any, the receive time.
 */
export function occurredAt(message: MessageTimes, batchSentAt: string | number | undefined, receivedAt: number) {
  const original = msOf(message.originalTimestamp, 'originalTimestamp') ?? msOf(message.timestamp, 'timestamp');
  const sent = msOf(message.sentAt, 'sentAt') ?? msOf(batchSentAt, 'sentAt');
  if (original === undefined) return receivedAt;
  if (sent === undefined) return Math.round(original);
  return Math.max(0, Math.round(receivedAt - (sent - original)));
}
