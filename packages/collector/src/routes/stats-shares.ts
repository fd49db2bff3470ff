import type { FastifyInstance } from 'fastify';
import { pathIdParamsSchema, type RouteDoc, statsShareCreatedSchema, statsShareSchema } from '@tracklet/protocol';
import { z } from 'zod';
import { TrackletError } from '../errors.js';
import { createShare, deleteShare, listShares } from '../services/stats-shares.js';
import { type AppDeps, bearer, pathId } from './http.js';

const docs = {
  create: {
    summary: "Make a read-only share link to the account's dashboard (aggregate stats only); the link is shown once",
    auth: 'stats.read',
    responses: { 201: { description: 'the link', schema: statsShareCreatedSchema } },
  },
  list: {
    summary: 'The live share links',
    auth: 'stats.read',
    responses: { 200: { description: 'oldest first', schema: z.array(statsShareSchema) } },
  },
  remove: {
    summary: 'Revoke a share link: it stops working at once',
    auth: 'stats.read',
    params: pathIdParamsSchema,
    responses: {
      200: { description: 'revoked', schema: z.object({ id: z.number().int(), deleted: z.literal(true) }) },
    },
    errors: [404],
  },
} satisfies Record<string, RouteDoc>;

/** Share links are the owner's: a share link's own token reads stats but never makes, lists or revokes links. */
async function owner(deps: AppDeps, request: Parameters<typeof bearer>[1]) {
  const auth = await bearer(deps, request, 'stats.read');
  if (auth.kind === 'share') throw new TrackletError('forbidden', 'a share link cannot manage share links');
  return auth;
}

/** `POST|GET /v1/stats/shares`, `DELETE /v1/stats/shares/:id` (issue #19). */
export function statsShareRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/stats/shares', { config: { openapi: docs.create } }, async (request, reply) => {
    const auth = await owner(deps, request);
    return reply.code(201).send(await createShare(deps.store, auth.account.id));
  });
  app.get('/v1/stats/shares', { config: { openapi: docs.list } }, async (request) =>
    listShares(deps.store, (await owner(deps, request)).account.id),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/stats/shares/:id',
    { config: { openapi: docs.remove } },
    async (request) => {
      const auth = await owner(deps, request);
      const id = pathId(request.params.id, 'key_not_found');
      await deleteShare(deps.store, auth.account.id, id);
      return { id, deleted: true as const };
    },
  );
}
