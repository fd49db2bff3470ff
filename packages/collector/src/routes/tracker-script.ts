import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { AppDeps } from './http.js';

const scriptDoc: RouteDoc = {
  summary: 'The script-tag tracker',
  auth: 'none',
  responses: {
    200: { description: 'the tracker build', contentType: 'text/javascript' },
    304: { description: 'not modified since the ETag given in If-None-Match' },
  },
  errors: [404],
};

/**
 * `GET /t.js`: the script-tag build, read once at start (npm start builds it first). Its URL carries no version,
 * so browsers cache it for a day and revalidate with the ETag after; a changed build is picked up within a day.
 * Its security headers (nosniff, a cross-origin resource policy) come from security-headers.ts.
 */
export function trackerScriptRoutes(app: FastifyInstance, deps: AppDeps): void {
  const path = deps.config.trackerScript;
  const script = path ? readFileSync(path) : null;
  const etag = script ? `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"` : null;

  app.get('/t.js', { config: { openapi: scriptDoc } }, async (request, reply) => {
    if (!script || !etag) throw new TrackletError('not_found', 'the tracker is not built: run npm run build');
    reply
      .header('Cache-Control', 'public, max-age=86400, stale-while-revalidate=604800')
      .header('ETag', etag)
      .header('Access-Control-Allow-Origin', '*');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(script);
  });
}
