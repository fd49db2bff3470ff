import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { AppDeps } from './http.js';

/** Readiness: the store answers, and what ingestion needs beyond it (with an event log: NATS and the stream). */
export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await deps.store.ping();
    } catch {
      throw new TrackletError('store_unavailable', 'the store is not reachable', { retryAfter: 1 });
    }
    await deps.ingest.ready();
    return { status: 'ready', store: deps.store.kind };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  const openapi = JSON.stringify(buildOpenApiDocument());
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(openapi));
}
