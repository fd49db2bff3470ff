import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { AppDeps } from './http.js';

/** One built script, read once at start, with its ETag; null when it is not built. */
function readScript(path: string | null): { body: Buffer; etag: string } | null {
  if (!path || !existsSync(path)) return null;
  const body = readFileSync(path);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

const scriptDoc: RouteDoc = {
  summary: 'The script-tag tracker (t.js core, t.full.js with the automatic events)',
  auth: 'none',
  responses: {
    200: { description: 'the tracker build', contentType: 'text/javascript' },
    304: { description: 'not modified since the ETag given in If-None-Match' },
  },
  errors: [404],
};

/**
 * `GET /t.js` (the core script-tag build) and `GET /t.full.js` (the same with the automatic events of issue #22,
 * built beside it), read once at start (npm start builds them first). Their URLs carry no version, so browsers cache
 * them for a day and revalidate with the ETag after; a changed build is picked up within a day. Their security
 * headers (nosniff, a cross-origin resource policy) come from security-headers.ts.
 */
export function trackerScriptRoutes(app: FastifyInstance, deps: AppDeps): void {
  const core = deps.config.trackerScript;
  const scripts = { '/t.js': core, '/t.full.js': core && join(dirname(core), 't.full.js') };
  for (const [url, path] of Object.entries(scripts)) {
    const script = readScript(path);
    app.get(url, { config: { openapi: scriptDoc } }, async (request, reply) => {
      if (!script) throw new TrackletError('not_found', 'the tracker is not built: run npm run build');
      reply
        .header('Cache-Control', 'public, max-age=86400, stale-while-revalidate=604800')
        .header('ETag', script.etag)
        .header('Access-Control-Allow-Origin', '*');
      if (request.headers['if-none-match'] === script.etag) return reply.code(304).send();
      return reply.type('text/javascript; charset=utf-8').send(script.body);
    });
  }
}
