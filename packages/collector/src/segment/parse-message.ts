import { beaconEventSchema, eventInputSchema } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { checkEventRules } from '../pipeline/check-event-rules.js';
import type { PendingEvent, PipelineDeps, RequestMeta } from '../pipeline/context.js';
import type { UserAgentInfo } from '../pipeline/enrich-user-agent.js';
import type { BatchItem } from '../pipeline/index.js';
import { normalizeEvent } from '../pipeline/normalize-event.js';
import { requestHash } from '../pipeline/request-hash.js';
import { parseOrThrow } from '../validate.js';
import type { WriteKeyAuth } from './authenticate-write-key.js';
import { type MappedMessage, mapMessage } from './map-message.js';
import { messageSchema } from './message-schema.js';
import { occurredAt } from './message-time.js';

/**
 * Segment's documented limit for one message
 * (segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size).
 */
export const maxMessageBytes = 32 * 1024;

/** What every message of one request shares. */
export interface SegmentRequest extends WriteKeyAuth {
  meta: RequestMeta;
  /** The request's own User-Agent, parsed (browsers). */
  userAgent: UserAgentInfo;
  /** A batch's `sentAt` and `context`, which apply to each of its messages. */
  sentAt?: string | number;
  context?: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

/**
 * The message as its retries send it: `sentAt`, `_metadata` (analytics-next counts retries there) and the write key
 * change from one attempt to the next, so they stay out of the hash that tells a retry from a conflicting reuse.
 */
function retryStable({ sentAt: _s, _metadata: _m, writeKey: _w, receivedAt: _r, ...rest }: Raw) {
  return rest;
}

function commonInput(mapped: MappedMessage, timestamp: number) {
  const { fields } = mapped;
  return {
    event: mapped.event,
    data: mapped.data,
    ...(mapped.contact ? { contact: mapped.contact } : {}),
    ...(mapped.amount !== undefined ? { amount: mapped.amount } : {}),
    ...(mapped.anonymousId ? { anonymous_id: mapped.anonymousId } : {}),
    timestamp,
    url: fields.url,
    title: fields.title,
    referrer: fields.referrer,
    click_ids: fields.click_ids,
    ...fields.utm,
  };
}

function apiEvent(deps: PipelineDeps, req: SegmentRequest, mapped: MappedMessage, raw: Raw, ts: number): PendingEvent {
  const input = parseOrThrow(eventInputSchema, {
    ...commonInput(mapped, ts),
    contact_email: mapped.who.email,
    contact_phone: mapped.who.phone,
    external_id: mapped.who.external_id,
    ip: mapped.fields.ip,
    user_agent: mapped.fields.user_agent,
  });
  const pending = normalizeEvent(input, {
    auth: req.auth,
    meta: req.meta,
    source: 'api',
    idempotencyKey: typeof raw.messageId === 'string' ? raw.messageId : null,
    requestHash: requestHash(retryStable(raw)),
    userAgent: deps.userAgents(input.user_agent ?? null),
  });
  // Segment accepts an anonymousId alone from servers too: it resolves through the identity map, as a beacon's does.
  const anonymousOnly = pending.anonymousId !== null && Object.keys(pending.identity).length === 0;
  checkEventRules(req.auth, anonymousOnly ? { ...pending, source: 'beacon' } : pending);
  return pending;
}

function browserEvent(req: SegmentRequest, mapped: MappedMessage, raw: Raw, ts: number): PendingEvent {
  if (typeof raw.messageId !== 'string') {
    throw new TrackletError('missing_field', 'messageId is required from browsers: it is the idempotency key', {
      path: 'messageId',
    });
  }
  const who = Object.fromEntries(Object.entries(mapped.who).filter(([, v]) => v !== undefined));
  const input = parseOrThrow(beaconEventSchema, {
    ...commonInput(mapped, ts),
    id: raw.messageId,
    ...(Object.keys(who).length > 0 ? { user: who } : {}),
  });
  const pending = normalizeEvent(input, {
    auth: req.auth,
    meta: req.meta,
    source: 'beacon',
    idempotencyKey: input.id,
    requestHash: requestHash(retryStable(raw)),
    userAgent: req.userAgent,
  });
  checkEventRules(req.auth, pending);
  return pending;
}

/** One Segment message through the mapping and the contract's own checks: an event for the writer, or its errors. */
export function parseMessage(deps: PipelineDeps, req: SegmentRequest, message: unknown): BatchItem {
  try {
    if (Buffer.byteLength(JSON.stringify(message) ?? '') > maxMessageBytes) {
      throw new TrackletError('payload_too_large', `a message may be at most ${maxMessageBytes} bytes as JSON`);
    }
    const raw: Raw = message && typeof message === 'object' ? { ...(message as Raw) } : {};
    if (req.context) raw.context = { ...req.context, ...(raw.context as Raw | undefined) };
    const m = parseOrThrow(messageSchema, raw);
    const mapped = mapMessage(m);
    const ts = occurredAt(m, req.sentAt, req.meta.receivedAt);
    return req.mode === 'api' ? apiEvent(deps, req, mapped, raw, ts) : browserEvent(req, mapped, raw, ts);
  } catch (error) {
    if (error instanceof TrackletError) return { errors: error.toApiErrors() };
    throw error;
  }
}
