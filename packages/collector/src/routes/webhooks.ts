import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createWebhookSchema, listDeliveriesQuerySchema, updateWebhookSchema } from '@tracklet/protocol';
import * as service from '../services/webhooks.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, bearer, parseQuery, pathId } from './http.js';
import { webhookDocs as docs } from './webhook-docs.js';

type WithId = FastifyRequest<{ Params: { id: string } }>;

/** `/v1/webhooks…` (issue #21): endpoints, their secrets and deliveries, per account. */
export function webhookRoutes(app: FastifyInstance, deps: AppDeps): void {
  const w = deps.webhooks;
  const reader = async (request: FastifyRequest) => (await bearer(deps, request, 'webhooks.read')).account.id;
  const writer = async (request: FastifyRequest) => (await bearer(deps, request, 'webhooks.write')).account.id;
  const id = (request: WithId) => pathId(request.params.id, 'webhook_not_found');

  app.post('/v1/webhooks', { config: { openapi: docs.create } }, async (request, reply) => {
    const account = await writer(request);
    const input = parseOrThrow(createWebhookSchema, request.body);
    return reply.code(201).send(await service.createWebhook(w, account, input));
  });
  app.get('/v1/webhooks', { config: { openapi: docs.list } }, async (request) =>
    service.listWebhooks(w, await reader(request)),
  );
  app.get('/v1/webhooks/:id', { config: { openapi: docs.get } }, async (request: WithId) =>
    service.getWebhook(w, await reader(request), id(request)),
  );
  app.patch('/v1/webhooks/:id', { config: { openapi: docs.update } }, async (request: WithId) => {
    const account = await writer(request);
    return service.updateWebhook(w, account, id(request), parseOrThrow(updateWebhookSchema, request.body));
  });
  app.delete('/v1/webhooks/:id', { config: { openapi: docs.remove } }, async (request: WithId) => {
    const account = await writer(request);
    await service.deleteWebhook(w, account, id(request));
    return { id: id(request), deleted: true as const };
  });
  app.post('/v1/webhooks/:id/rotate-secret', { config: { openapi: docs.rotate } }, async (request: WithId) =>
    service.rotateWebhookSecret(w, await writer(request), id(request)),
  );
  app.get('/v1/webhooks/:id/deliveries', { config: { openapi: docs.deliveries } }, async (request: WithId) => {
    const account = await reader(request);
    return service.listDeliveries(w, account, id(request), parseQuery(listDeliveriesQuerySchema, request.query));
  });
  app.post<{ Params: { id: string; delivery_id: string } }>(
    '/v1/webhooks/:id/deliveries/:delivery_id/retry',
    { config: { openapi: docs.retry } },
    async (request) => {
      const account = await writer(request);
      const deliveryId = pathId(request.params.delivery_id, 'delivery_not_found');
      return service.retryDelivery(w, account, id(request), deliveryId);
    },
  );
}
