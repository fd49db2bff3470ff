import type { FastifyInstance } from 'fastify';
import { eventSchemaSummarySchema, type RouteDoc } from '@tracklet/protocol';
import { z } from 'zod';
import { type AppDeps, bearer } from './http.js';

const listDoc: RouteDoc = {
  summary: 'The property types inferred per event name',
  auth: 'events.read',
  responses: { 200: { description: 'one schema per event name', schema: z.array(eventSchemaSummarySchema) } },
};

export function eventSchemaRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/v1/event-schemas', { config: { openapi: listDoc } }, async (request) => {
    const auth = await bearer(deps, request, 'events.read');
    return deps.store.listEventSchemas(auth.account.id);
  });
}
