import { eventFields, eventInputSchema, limits } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { parseOrThrow } from '../validate.js';
import { checkEventRules } from './check-event-rules.js';
import type { Auth, PendingEvent, PipelineDeps, RequestMeta } from './context.js';
import { normalizeEvent } from './normalize-event.js';
import { requestHash } from './request-hash.js';

/** The Idempotency-Key header, held to the body field's rule (1 to 128 characters): issue #16. */
function headerKeyOf(value: string | undefined): string | undefined {
  if (value === undefined || eventFields.idempotency_key.safeParse(value).success) return value;
  throw new TrackletError(
    'invalid_field',
    `the Idempotency-Key header must be 1 to ${limits.maxIdempotencyKeyLength} characters, got ${value.length}`,
    { path: 'idempotency_key' },
  );
}

/** The idempotency key from the body or the Idempotency-Key header; both and different is a 400. */
function idempotencyKeyOf(fromBody: string | undefined, header: string | undefined): string | null {
  const fromHeader = headerKeyOf(header);
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw new TrackletError('idempotency_key_mismatch', 'the Idempotency-Key header and idempotency_key differ', {
      path: 'idempotency_key',
    });
  }
  return fromBody ?? fromHeader ?? null;
}

/** Server API: validate one event body and take it through the stateless steps. */
export function parseEvent(
  deps: PipelineDeps,
  auth: Auth,
  meta: RequestMeta,
  body: unknown,
  headerKey?: string,
): PendingEvent {
  const input = parseOrThrow(eventInputSchema, body);
  const idempotencyKey = idempotencyKeyOf(input.idempotency_key, headerKey);
  const { idempotency_key: _key, ...rest } = input;
  const pending = normalizeEvent(input, {
    auth,
    meta,
    source: 'api',
    idempotencyKey,
    requestHash: requestHash(rest),
    userAgent: deps.userAgents(input.user_agent ?? null),
    locate: deps.locate,
  });
  checkEventRules(auth, pending);
  return pending;
}
