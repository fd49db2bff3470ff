import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ItemResult } from '@tracklet/protocol';
import { errorList, TrackletError } from '../errors.js';
import { depthLimitedJsonParser } from '../json-body.js';
import { acceptBeacon } from '../log/accept-beacon.js';
import { acceptBatch } from '../log/accept-events.js';
import type { EventLog } from '../log/event-log.js';
import { dropBots } from '../pipeline/drop-bots.js';
import { type BatchItem, ingestMany } from '../pipeline/index.js';
import type { RateLimitHook } from '../rate-limits.js';
import { authenticateWriteKey, type WriteKeyAuth } from '../segment/authenticate-write-key.js';
import { batchPaths, segmentTypes } from '../segment/cors.js';
import { gzipBody } from '../segment/gzip-body.js';
import { batchSchema } from '../segment/message-schema.js';
import { maxMessageBytes, parseMessage, type SegmentRequest } from '../segment/parse-message.js';
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

/**
 * Segment's HTTP Tracking API (issue #20): the routes of analytics-node, analytics-next and RudderStack, each
 * message mapped onto a Tracklet event (segment/map-message.ts) and written through the usual pipeline, so
 * idempotency (messageId), login merges, order dedup and enrichment apply. Answers as Segment's (200
 * `{"success":true}`, with Tracklet's per-message `results`); a store failure is a 503 the libraries retry.
 */
export async function segmentRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  rateLimits: { api: RateLimitHook; beacons: RateLimitHook },
  log: EventLog | null = null,
): Promise<void> {
  // Segment's libraries send JSON as text/plain (browsers) or as axios' default form type (RudderStack's gzipped
  // Buffer); Segment's API reads JSON whatever the type says, so these routes do too.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'application/octet-stream'],
    { parseAs: 'string' },
    depthLimitedJsonParser(app),
  );
  const authenticated = new WeakMap<object, WriteKeyAuth>();
  const preHandler = [
    async (request: FastifyRequest) => {
      const body = bodyOf(request);
      const found = await authenticateWriteKey(
        deps,
        requestMeta(request),
        header(request, 'authorization'),
        body.writeKey,
      );
      authenticated.set(request, found);
      request.auth = found.auth;
    },
    (request: FastifyRequest, reply: Parameters<RateLimitHook>[1]) =>
      (authenticated.get(request)?.mode === 'browser' ? rateLimits.beacons : rateLimits.api)(request, reply),
  ];

  const ingest = async (request: FastifyRequest, messages: unknown[], shared: Partial<SegmentRequest>) => {
    const found = authenticated.get(request) as WriteKeyAuth;
    const meta = requestMeta(request);
    const req: SegmentRequest = { ...found, ...shared, meta, userAgent: deps.userAgents(meta.userAgent) };
    if (found.mode === 'browser') {
      const dropped = dropBots(deps, req.userAgent, found.auth.account.id, messages);
      if (dropped) return dropped;
    }
    const items = messages.map((message): BatchItem => parseMessage(deps, req, message));
    const accept = found.mode === 'browser' ? acceptBeacon : acceptBatch;
    const { results, storeFailure } = log ? await accept(deps, log, items) : await ingestMany(deps, items);
    // The libraries retry the whole request; what was stored comes back "duplicate" by its messageId.
    if (storeFailure) throw storeFailure;
    return results;
  };

  for (const path of batchPaths) {
    app.post(path, { bodyLimit: maxBatchBytes, preParsing: gzipBody, preHandler }, async (request) => {
      const batch = parseOrThrow(batchSchema, request.body);
      const results = await ingest(request, batch.batch, { sentAt: batch.sentAt, context: batch.context });
      return { success: true, results };
    });
  }
  for (const type of segmentTypes) {
    for (const path of [`/v1/${type}`, `/v1/${type[0]}`]) {
      app.post(path, { bodyLimit: maxMessageBytes, preParsing: gzipBody, preHandler }, async (request) => {
        const [result] = (await ingest(request, [{ ...bodyOf(request), type }], {})) as [ItemResult];
        // One message per request: its refusal is the request's answer, in the contract's error shape.
        if (result.status === 'rejected') throw errorList(result.errors ?? []);
        return { success: true, results: [result] };
      });
    }
  }
}
