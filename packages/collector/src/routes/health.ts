import type { FastifyInstance } from 'fastify';
import { healthBodySchema, readyBodySchema, type RouteDoc } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { AppDeps } from './http.js';

const docs = {
  health: { summary: 'Liveness', auth: 'none', responses: { 200: { description: 'alive', schema: healthBodySchema } } },
  ready: {
    summary: 'Readiness: the store (and the event log) answer',
    auth: 'none',
    responses: { 200: { description: 'ready', schema: readyBodySchema } },
    errors: [503],
  },
  metrics: {
    summary: 'Prometheus metrics',
    auth: 'none',
    responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain' } },
  },
} satisfies Record<string, RouteDoc>;

/** Readiness: the store answers, and what ingestion needs beyond it (with an event log: NATS and the stream). */
export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', { config: { openapi: docs.health } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { openapi: docs.ready } }, async () => {
    try {
      await deps.store.ping();
    } catch {
      throw new TrackletError('store_unavailable', 'the store is not reachable', { retryAfter: 1 });
    }
    await deps.ingest.ready();
    return { status: 'ready', store: deps.store.kind };
  });

  app.get('/metrics', { config: { openapi: docs.metrics } }, async (_request, reply) => {
    reply.header('Content-Type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
