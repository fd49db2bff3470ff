import {
  createWebhookSchema,
  deliveryParamsSchema,
  listDeliveriesQuerySchema,
  pathIdParamsSchema,
  type RouteDoc,
  updateWebhookSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookWithSecretSchema,
} from '@tracklet/protocol';
import { z } from 'zod';

/** The OpenAPI declarations of the webhook routes (issue #21). */
export const webhookDocs = {
  create: {
    summary: 'Add a webhook endpoint; its signing secret (whsec_…) is shown this once',
    auth: 'webhooks.write',
    body: createWebhookSchema,
    responses: { 201: { description: 'the endpoint and its secret', schema: webhookWithSecretSchema } },
  },
  list: {
    summary: "The account's webhook endpoints",
    auth: 'webhooks.read',
    responses: { 200: { description: 'oldest first', schema: z.array(webhookEndpointSchema) } },
  },
  get: {
    summary: 'One webhook endpoint',
    auth: 'webhooks.read',
    params: pathIdParamsSchema,
    responses: { 200: { description: 'the endpoint', schema: webhookEndpointSchema } },
  },
  update: {
    summary: 'Change url, events, description or enabled (enabling again resumes what waited)',
    auth: 'webhooks.write',
    params: pathIdParamsSchema,
    body: updateWebhookSchema,
    responses: { 200: { description: 'the endpoint', schema: webhookEndpointSchema } },
  },
  remove: {
    summary: 'Delete a webhook endpoint and its deliveries',
    auth: 'webhooks.write',
    params: pathIdParamsSchema,
    responses: {
      200: { description: 'deleted', schema: z.object({ id: z.number().int(), deleted: z.literal(true) }) },
    },
  },
  rotate: {
    summary: 'A new signing secret (shown once); the old one keeps signing beside it for 24 h',
    auth: 'webhooks.write',
    params: pathIdParamsSchema,
    responses: { 200: { description: 'the endpoint and its new secret', schema: webhookWithSecretSchema } },
  },
  deliveries: {
    summary: "An endpoint's deliveries, newest first: status, attempts, last answer code and duration, next try",
    auth: 'webhooks.read',
    params: pathIdParamsSchema,
    query: listDeliveriesQuerySchema,
    responses: { 200: { description: 'newest first', schema: z.array(webhookDeliverySchema) } },
  },
  retry: {
    summary: 'Send one delivery again now (whatever its status)',
    auth: 'webhooks.write',
    params: deliveryParamsSchema,
    responses: { 200: { description: 'the delivery, pending again', schema: webhookDeliverySchema } },
  },
} satisfies Record<string, RouteDoc>;
