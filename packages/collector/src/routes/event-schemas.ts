import type { FastifyInstance } from 'fastify';
import { type AppDeps, bearer } from './http.js';

export function eventSchemaRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/v1/event-schemas', async (request) => {
    const auth = await bearer(deps, request, 'events.read');
    return deps.store.listEventSchemas(auth.account.id);
  });
}
