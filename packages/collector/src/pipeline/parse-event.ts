import { eventInputSchema } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { parseOrThrow } from '../validate.js';
import { checkEventRules } from './check-event-rules.js';
import type { Auth, PendingEvent, PipelineDeps, RequestMeta } from './context.js';
import { normalizeEvent } from './normalize-event.js';
import { requestHash } from './request-hash.js';

/** The idempotency key from the body or the Idempotency-Key header; both and different is a 400. */
function idempotencyKeyOf(fromBody: string | undefined, fromHeader: string | undefined): string | null {
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw new TrackletError('idempotency_key_mismatch', 'the Idempotency-Key header and idempotency_key differ', { path: 'idempotency_key' });
  }
  return fromBody ?? fromHeader ?? null;
}

/** Server API: validate one event body and take it through the stateless steps. */
export function parseEvent(deps: PipelineDeps, auth: Auth, meta: RequestMeta, body: unknown, headerKey?: string): PendingEvent {
  const input = parseOrThrow(eventInputSchema, body);
  const idempotencyKey = idempotencyKeyOf(input.idempotency_key, headerKey);
  const { idempotency_key: _key, ...rest } = input;
  const pending = normalizeEvent(input, {
    auth, meta, source: 'api', idempotencyKey, requestHash: requestHash(rest), userAgent: deps.userAgents(input.user_agent ?? null),
  });
  checkEventRules(auth, pending);
  return pending;
}
