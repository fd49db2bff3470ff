import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { beaconSchema, limits, resultsBodySchema, type RouteDoc } from '@tracklet/protocol';
import { depthLimitedJsonParser } from '../json-body.js';
import { type AuthenticatedBeacon, authenticateBeacon, parseBeacon } from '../pipeline/parse-beacon.js';
import type { RateLimitHook } from '../rate-limits.js';
import { isSegmentPath, segmentCors } from '../segment/cors.js';
import { type AppDeps, requestMeta } from './http.js';

const beaconDoc: RouteDoc = {
  summary: 'Browser beacons: the publishable key in the body; JSON sent as text/plain or application/json',
  auth: 'publishable',
  body: beaconSchema,
  responses: {
    200: { description: 'one result per event, once the accepted ones are stored', schema: resultsBodySchema },
  },
};

/**
 * Browser beacons. sendBeacon and keepalive fetch send text/plain (no CORS preflight); JSON works too. CORS lets
 * any page read the answer, because which origins may send is the account's choice, checked against the key in
 * the body (403 origin_not_allowed) — the browser's CORS check cannot know the account.
 * The plugin's preflight route answers OPTIONS for every path: only /v1/collect and Segment's routes (segment/cors.ts,
 * registered in this scope) get CORS; any other path is the usual 404, and a preflight without its headers is a
 * plain 204 rather than the plugin's text/plain 400.
 */
export async function collectRoutes(app: FastifyInstance, deps: AppDeps, rateLimit: RateLimitHook): Promise<void> {
  const beaconCors = {
    origin: true,
    methods: ['POST'],
    allowedHeaders: ['Content-Type'],
    maxAge: 86400,
    strictPreflight: false,
  };
  await app.register(
    cors,
    () => (request: FastifyRequest, callback: (error: Error | null, options: object) => void) => {
      const path = request.url.split('?')[0] ?? '';
      callback(null, path === '/v1/collect' ? beaconCors : isSegmentPath(path) ? segmentCors : { origin: false });
    },
  );
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, depthLimitedJsonParser(app));
  const authenticated = new WeakMap<object, AuthenticatedBeacon>();

  app.post(
    '/v1/collect',
    {
      bodyLimit: limits.maxBeaconBytes,
      config: { openapi: beaconDoc },
      // The key is in the body: authenticate once it is parsed, then spend the IP + key budget before anything is stored.
      preHandler: [
        async (request) => {
          const beacon = await authenticateBeacon(deps, requestMeta(request), request.body);
          authenticated.set(request, beacon);
          request.auth = beacon.auth;
        },
        rateLimit,
      ],
    },
    async (request, reply) => {
      const parsed = parseBeacon(deps, requestMeta(request), authenticated.get(request) as AuthenticatedBeacon);
      if ('dropped' in parsed) return { results: parsed.dropped };
      const { results, storeFailure } = await deps.ingest.beacon(parsed.items);
      // The tracker retries a beacon whole; events already stored come back as "duplicate" by their ids.
      if (storeFailure) throw storeFailure;
      return reply.code(200).send({ results });
    },
  );
}
