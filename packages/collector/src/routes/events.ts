import type { FastifyInstance } from 'fastify';
import { batchInputSchema, eventStatusQuerySchema, limits } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { BatchItem } from '../pipeline/index.js';
import { parseEvent } from '../pipeline/parse-event.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, bearer, header, listEvents, parseQuery, pathId, requestMeta } from './http.js';

/** Counts an event refused as invalid before it reached the writer, then lets the error handler answer. */
function countRejected(deps: AppDeps, error: unknown): never {
  if (error instanceof TrackletError && error.status < 500) deps.metrics.rejected.inc({ code: error.code });
  throw error;
}

export function eventRoutes(app: FastifyInstance, deps: AppDeps): void {
  for (const base of ['/v1/events', '/v1/my/events']) {
    app.post(base, { bodyLimit: limits.maxEventBytes }, async (request, reply) => {
      const auth = await bearer(deps, request, 'events.write');
      const outcome = await Promise.resolve()
        .then(() => {
          const pending = parseEvent(
            deps,
            auth,
            requestMeta(request),
            request.body,
            header(request, 'idempotency-key'),
          );
          return deps.ingest.event(pending);
        })
        .catch((error) => countRejected(deps, error));
      if (outcome.status === 'accepted') return reply.code(202).send(outcome);
      if (outcome.status === 'discarded') return reply.code(200).send(outcome);
      if (outcome.status === 'duplicate') reply.header('Idempotent-Replayed', 'true');
      return reply.code(outcome.status === 'created' ? 201 : 200).send(outcome.event);
    });
    app.get(base, async (request, reply) =>
      listEvents(deps, await bearer(deps, request, 'events.read'), request, reply),
    );
  }

  app.post('/v1/events/batch', { bodyLimit: limits.maxBatchBytes }, async (request, reply) => {
    const auth = await bearer(deps, request, 'events.write');
    const { events } = parseOrThrow(batchInputSchema, request.body);
    const meta = requestMeta(request);
    const items = events.map((body): BatchItem => {
      try {
        return parseEvent(deps, auth, meta, body);
      } catch (error) {
        if (error instanceof TrackletError) return { errors: error.toApiErrors() };
        throw error;
      }
    });
    const { results, storeFailure } = await deps.ingest.batch(items);
    // Nothing at all stored: the client should retry the whole batch, so say so with the store's 503.
    if (storeFailure && results.every((r) => r.status === 'rejected')) throw storeFailure;
    return reply.code(200).send({ results });
  });

  app.get('/v1/events/status', async (request) => {
    const auth = await bearer(deps, request, 'events.read');
    const { idempotency_key } = parseQuery(eventStatusQuerySchema, request.query);
    const id = await deps.store.findEventIdByIdempotencyKey(auth.account.id, idempotency_key);
    return id === null ? { status: 'not_found' } : { status: 'created', event_id: id };
  });

  app.get<{ Params: { id: string } }>('/v1/events/:id', async (request) => {
    const auth = await bearer(deps, request, 'events.read');
    const event = await deps.store.getEvent(auth.account.id, pathId(request.params.id, 'event_not_found'));
    // A test key sees only test events; everything else is another tenant's or absent: 404 either way.
    if (!event || (auth.test && !event.test))
      throw new TrackletError('event_not_found', `no event ${request.params.id}`);
    return event;
  });
}
