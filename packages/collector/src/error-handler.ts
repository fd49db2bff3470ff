import type { FastifyError, FastifyInstance } from 'fastify';
import { TrackletError } from './errors.js';

/** Fastify's own errors (body parsing, limits, content types) as the contract's codes. */
function fromFastify(error: FastifyError): TrackletError | null {
  const status = error.statusCode ?? 0;
  if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new TrackletError('payload_too_large', 'the request body is too large for this endpoint');
  if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new TrackletError('unsupported_media_type', 'send the body as application/json (beacons: text/plain or application/json)');
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new TrackletError('invalid_json', 'the body is empty');
  // Fastify refuses __proto__ / constructor.prototype keys with a SyntaxError: say what it really was.
  if (/prototype/i.test(error.message)) return new TrackletError('invalid_body', 'the body uses a forbidden key (__proto__ or constructor.prototype)');
  if (error instanceof SyntaxError || /JSON/i.test(error.message)) return new TrackletError('invalid_json', 'the body is not valid JSON');
  if (status >= 400 && status < 500) return new TrackletError('invalid_body', 'the request could not be read');
  return null;
}

/** One handler maps everything to `{"errors":[…]}`; unknown errors answer a generic 500 and are only logged. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let mapped = error instanceof TrackletError ? error : fromFastify(error);
    if (!mapped) {
      request.log.error({ err: error }, 'unhandled error');
      mapped = new TrackletError('internal_error', 'something went wrong; nothing was stored unless a result said so');
    }
    if (mapped.retryAfter !== undefined) reply.header('Retry-After', String(mapped.retryAfter));
    return reply.code(mapped.status).send({ errors: mapped.toApiErrors() });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ errors: new TrackletError('not_found', `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`).toApiErrors() });
  });
}
