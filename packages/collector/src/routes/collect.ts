import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { limits } from '@tracklet/protocol';
import { ingestMany } from '../pipeline/index.js';
import { parseBeacon } from '../pipeline/parse-beacon.js';
import { type AppDeps, requestMeta } from './http.js';

/**
 * Browser beacons. sendBeacon and keepalive fetch send text/plain (no CORS preflight); JSON works too. CORS lets
 * any page read the answer, because which origins may send is the account's choice, checked against the key in
 * the body (403 origin_not_allowed) — the browser's CORS check cannot know the account.
 */
export async function collectRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(cors, { origin: true, methods: ['POST'], allowedHeaders: ['Content-Type'], maxAge: 86400 });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.post('/v1/collect', { bodyLimit: limits.maxBeaconBytes }, async (request, reply) => {
    const parsed = await parseBeacon(deps, requestMeta(request), request.body);
    if ('dropped' in parsed) return { results: parsed.dropped };
    const { results, storeFailure } = await ingestMany(deps, parsed.items);
    // The tracker retries a beacon whole; events already stored come back as "duplicate" by their ids.
    if (storeFailure) throw storeFailure;
    return reply.code(200).send({ results });
  });
}
