import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ItemResult, resultsBodySchema, type RouteDoc } from '@tracklet/protocol';
import { z } from 'zod';
import { errorList, TrackletError } from '../errors.js';
import { depthLimitedJsonParser } from '../json-body.js';
import type { RateLimitHook } from '../rate-limits.js';
import { authenticateWriteKey, type WriteKeyAuth } from '../segment/authenticate-write-key.js';
import { batchPaths, segmentTypes } from '../segment/cors.js';
import { gzipBody } from '../segment/gzip-body.js';
import { batchSchema, messageSchema } from '../segment/message-schema.js';
import { ingestMessages } from '../segment/ingest-messages.js';
import { maxMessageBytes } from '../segment/parse-message.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, header, requestMeta } from './http.js';

/** Segment's documented batch limit (500 KB). */
const maxBatchBytes = 500 * 1024;

const bodyOf = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new TrackletError('invalid_body', 'send a JSON object');
  return body as Record<string, unknown>;
};

type RateLimits = { api: RateLimitHook; beacons: RateLimitHook };

const answer = {
  200: {
    description: '{"success":true} and one Tracklet result per message',
    schema: resultsBodySchema.extend({ success: z.literal(true) }),
  },
};
/** Write key: HTTP Basic (a secret key: the server API; a publishable key: a browser) or `writeKey` in the body. */
const docs = {
  batch: {
    summary: "Segment's batch (analytics-node, RudderStack, analytics-next)",
    auth: 'events.write',
    body: batchSchema,
    responses: answer,
  },
  message: (type: string): RouteDoc => ({
    summary: `Segment's ${type} call (the one-letter path is analytics-next's)`,
    auth: 'events.write',
    body: messageSchema,
    responses: answer,
  }),
} satisfies Record<string, RouteDoc | ((type: string) => RouteDoc)>;

/**
 * The write key may be in the body, so it is authenticated once the body is parsed (as for /v1/collect); then the
 * budget of its mode is spent (secret keys: the API's, publishable keys: the beacons'), before anything is stored.
 */
function writeKeyHooks(deps: AppDeps, rateLimits: RateLimits, authenticated: WeakMap<object, WriteKeyAuth>) {
  return [
    async (request: FastifyRequest) => {
      const meta = requestMeta(request);
      const found = await authenticateWriteKey(deps, meta, header(request, 'authorization'), bodyOf(request).writeKey);
      authenticated.set(request, found);
      request.auth = found.auth;
    },
    (request: FastifyRequest, reply: FastifyReply) =>
      (authenticated.get(request)?.mode === 'browser' ? rateLimits.beacons : rateLimits.api)(request, reply),
  ];
}

/**
 * Segment's HTTP Tracking API (issue #20): the routes of analytics-node, analytics-next and RudderStack, each
 * message mapped onto a Tracklet event (segment/map-message.ts) and written through the usual pipeline, so
 * idempotency (messageId), login merges, order dedup and enrichment apply. Answers as Segment's (200
 * `{"success":true}`, with Tracklet's per-message `results`); a store failure is a 503 the libraries retry.
 */
export async function segmentRoutes(app: FastifyInstance, deps: AppDeps, rateLimits: RateLimits): Promise<void> {
  // Segment's libraries send JSON as text/plain (browsers) or as axios' default form type (RudderStack's gzipped
  // Buffer); Segment's API reads JSON whatever the type says, so these routes do too.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'application/octet-stream'],
    { parseAs: 'string' },
    depthLimitedJsonParser(app),
  );
  const authenticated = new WeakMap<object, WriteKeyAuth>();
  const authOf = (request: FastifyRequest) => authenticated.get(request) as WriteKeyAuth;
  const preHandler = writeKeyHooks(deps, rateLimits, authenticated);

  for (const path of batchPaths) {
    app.post(
      path,
      { bodyLimit: maxBatchBytes, preParsing: gzipBody, preHandler, config: { openapi: docs.batch } },
      async (request) => {
        const batch = parseOrThrow(batchSchema, request.body);
        const shared = { sentAt: batch.sentAt, context: batch.context };
        const results = await ingestMessages(
          deps,
          deps.ingest,
          authOf(request),
          requestMeta(request),
          batch.batch,
          shared,
        );
        return { success: true, results };
      },
    );
  }
  for (const type of segmentTypes) {
    for (const path of [`/v1/${type}`, `/v1/${type[0]}`]) {
      app.post(
        path,
        { bodyLimit: maxMessageBytes, preParsing: gzipBody, preHandler, config: { openapi: docs.message(type) } },
        async (request) => {
          const message = { ...bodyOf(request), type };
          const [result] = (await ingestMessages(deps, deps.ingest, authOf(request), requestMeta(request), [
            message,
          ])) as [ItemResult];
          // One message per request: its refusal is the request's answer, in the contract's error shape.
          if (result.status === 'rejected') throw errorList(result.errors ?? []);
          return { success: true, results: [result] };
        },
      );
    }
  }
}
