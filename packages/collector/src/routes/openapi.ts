import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument, type DocumentedRoute, type RouteDoc } from '@tracklet/protocol';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's OpenAPI declaration: every route the API offers has one (test/openapi.test.ts). */
    openapi?: RouteDoc;
  }
  interface FastifyInstance {
    /** Every route registered after `openApiRoutes`, each with its declaration when it has one. */
    registeredRoutes: { method: string; url: string; doc?: RouteDoc }[];
  }
}

/**
 * Serves GET /openapi.json, the document of the routes' own declarations, collected as Fastify registers them.
 * Called before any other route, so none is missed; the document is built once, on its first request.
 */
export function openApiRoutes(app: FastifyInstance): void {
  const routes: FastifyInstance['registeredRoutes'] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, ...(route.config?.openapi ? { doc: route.config.openapi } : {}) });
  });
  // HEAD: Fastify's own twin of every GET, not a route of ours.
  const declared = () => routes.filter((r): r is DocumentedRoute => r.doc !== undefined && r.method !== 'HEAD');
  let document: string | undefined;
  app.get(
    '/openapi.json',
    {
      config: {
        openapi: { summary: 'This document', auth: 'none', responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
    },
    async (_request, reply) => {
      document ??= JSON.stringify(buildOpenApiDocument(declared()));
      return reply.type('application/json').send(document);
    },
  );
}
