import { TrackletError } from '../errors.js';
import { keyTypeOf } from '../keys.js';
import { authenticateBearer, authenticatePublishable } from '../pipeline/authenticate-key.js';
import { authorizeScope } from '../pipeline/authorize-scope.js';
import type { Auth, PipelineDeps, RequestMeta } from '../pipeline/context.js';

/**
 * How a Segment request is treated: `api` (a secret key or JWT: server-API semantics, the sender may forward
 * context.ip / context.userAgent) or `browser` (a publishable key: beacon semantics — allowed origins, bot
 * filtering, the request's own IP and User-Agent).
 */
export interface WriteKeyAuth {
  auth: Auth;
  mode: 'api' | 'browser';
}

/** The user name of `Authorization: Basic base64(writeKey:)`, as every Segment library sends it. */
function basicUser(header: string): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined);
  return user || null;
}

/**
 * Segment's authentication: the write key as the HTTP Basic user name (the header wins), or `writeKey` in the body
 * (browsers); a Bearer token is checked as on the server API (Segment's OAuth mode sends one). A secret key only
 * ever in a body is refused: that is how a secret key ends up in a web page.
 */
export async function authenticateWriteKey(
  deps: PipelineDeps,
  meta: RequestMeta,
  authorization: string | undefined,
  bodyKey: unknown,
): Promise<WriteKeyAuth> {
  if (authorization && /^Bearer\s/i.test(authorization)) {
    const auth = await authenticateBearer(deps.store, deps.jwtSecret, authorization);
    authorizeScope(auth, 'events.write');
    return { auth, mode: 'api' };
  }
  const fromHeader = authorization ? basicUser(authorization) : null;
  if (authorization && !fromHeader)
    throw new TrackletError('unauthorized', 'send Authorization: Basic base64(writeKey:)');
  const key = fromHeader ?? (typeof bodyKey === 'string' && bodyKey !== '' ? bodyKey : null);
  if (!key) throw new TrackletError('unauthorized', 'send the write key as the HTTP Basic user name or as writeKey');
  if (keyTypeOf(key) === 'publishable') {
    return { auth: await authenticatePublishable(deps.store, key, meta.origin), mode: 'browser' };
  }
  if (!fromHeader) {
    if (!keyTypeOf(key)) throw new TrackletError('unauthorized', 'unknown write key');
    throw new TrackletError(
      'publishable_key_required',
      'a writeKey in the body must be a tk_pub_ key; send secret keys as HTTP Basic',
    );
  }
  const auth = await authenticateBearer(deps.store, null, `Bearer ${key}`);
  authorizeScope(auth, 'events.write');
  return { auth, mode: 'api' };
}
