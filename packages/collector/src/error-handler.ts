import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCodes, TrackletError } from './errors.js';

/** Fastify's own errors (body parsing, limits, content types) as the contract's codes. */
function fromFastify(error: FastifyError): TrackletError | null {
  const status = error.statusCode ?? 0;
  if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new TrackletError('payload_too_large', 'the request body is too large for this endpoint');
  if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new TrackletError(
      'unsupported_media_type',
      'send the body as application/json (beacons: text/plain or application/json)',
    );
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new TrackletError('invalid_json', 'the body is empty');
  // Fastify refuses __proto__ / constructor.prototype keys with a SyntaxError: say what it really was.
  if (/prototype/i.test(error.message))
    return new TrackletError('invalid_body', 'the body uses a forbidden key (__proto__ or constructor.prototype)');
  if (error instanceof SyntaxError || /JSON/i.test(error.message))
    return new TrackletError('invalid_json', 'the body is not valid JSON');
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
    reply.code(404).send({
      errors: new TrackletError(
        'not_found',
        `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
      ).toApiErrors(),
    });
  });
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a malformed request line or header, duplicated
 * Content-Length, headers over 16 KB, a timeout) get the contract's error body too, then the connection closes.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'invalid_request';
  const status = errorCodes[code][0];
  const body = JSON.stringify({
    errors: new TrackletError(
      code,
      `the HTTP request could not be read (${error.code ?? 'parse error'})`,
    ).toApiErrors(),
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Errors Fastify's router meets before any hook runs: a path with broken percent-encoding (FST_ERR_BAD_URL), a path
 * parameter over 100 characters (FST_ERR_MAX_PARAM_LENGTH: no id is that long, so it is a 404 like any unknown id).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]?.slice(0, 100);
  const mapped =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new TrackletError('not_found', `no resource at ${path}…: a path parameter is too long`)
      : new TrackletError('invalid_request', `the URL is not valid (${error.code})`);
  reply.code(mapped.status).send({ errors: mapped.toApiErrors() });
}
