import type { FastifyRequest } from 'fastify';

/** Key-like and token-like text: API keys (tk_…), the admin token's default shape, JWTs. */
const secretLike = /tk_[A-Za-z0-9_-]+|eyJ[\w-]*\.[\w-]*(\.[\w-]*)?/g;

/**
 * A URL as it may be logged: key- or token-like path segments masked, and of the query string only the parameter
 * names (values may be emails, idempotency keys, or a key a client put in the wrong place).
 */
export function loggableUrl(url: string): string {
  const [path = '', query] = url.split(/\?(.*)/s, 2);
  const names = query === undefined ? [] : [...new URLSearchParams(query).keys()];
  const safe = (text: string) => text.replace(secretLike, '[redacted]').slice(0, 300);
  return safe(path) + (names.length > 0 ? `?${names.map((n) => `${safe(n)}=…`).join('&')}` : '');
}

/**
 * Pino options of the collector (issue #7): a request is logged by method, loggable URL and client address only —
 * never its headers (Authorization) or its body, so no key, token or payload reaches the log.
 */
export function loggerOptions(level: string) {
  return {
    level,
    redact: ['req.headers', 'req.body'],
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

/**
 * An error as the event log's writer logs it: its message and code only. A driver error's other fields (PostgreSQL's `detail`,
 * `where`) can quote the values of the row, and the log never holds event data (README "Logs").
 */
export function loggableError(error: unknown): { message: string; code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
