import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { EventLog } from '../log/event-log.js';
import type { AppDeps } from './http.js';

/** Readiness: the store answers, and with an event log (`log`) also NATS and the stream. */
export function healthRoutes(app: FastifyInstance, deps: AppDeps, log: EventLog | null = null): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await deps.store.ping();
    } catch {
      throw new TrackletError('store_unavailable', 'the store is not reachable', { retryAfter: 1 });
    }
    await log?.ping().catch(() => {
      throw new TrackletError('store_unavailable', 'the event log is not reachable', { retryAfter: 1 });
    });
    return { status: 'ready', store: deps.store.kind };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  const openapi = JSON.stringify(buildOpenApiDocument());
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(openapi));
}
