import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  accountSchema,
  accountWithKeysSchema,
  createAccountSchema,
  createKeySchema,
  issuedKeySchema,
  limits,
  pathIdParamsSchema,
  revokedBodySchema,
  type RouteDoc,
  updateAccountSchema,
} from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { safeEqual } from '../keys.js';
import { createAccountWithKeys, issueKey, revokeKey, updateAccount } from '../services/accounts.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, header, pathId } from './http.js';

const docs = {
  createAccount: {
    summary: 'Create an account and its three keys (shown this once)',
    auth: 'admin',
    body: createAccountSchema,
    responses: { 201: { description: 'the account with its full keys', schema: accountWithKeysSchema } },
  },
  updateAccount: {
    summary: "Change an account's name, origins, events or rate limits",
    auth: 'admin',
    params: pathIdParamsSchema,
    body: updateAccountSchema,
    responses: { 200: { description: 'the account', schema: accountSchema } },
  },
  issueKey: {
    summary: 'Issue a key',
    auth: 'admin',
    params: pathIdParamsSchema,
    body: createKeySchema,
    responses: { 201: { description: 'the full key, shown this once', schema: issuedKeySchema } },
  },
  revokeKey: {
    summary: 'Revoke a key: from then on it is 401',
    auth: 'admin',
    params: pathIdParamsSchema,
    responses: { 200: { description: 'revoked', schema: revokedBodySchema } },
  },
} satisfies Record<string, RouteDoc>;

export function adminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const admin = (request: FastifyRequest) => {
    const token = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    if (!token || !safeEqual(token, deps.config.adminToken))
      throw new TrackletError('unauthorized', 'the admin API needs the admin token');
  };

  // Account settings are small (≤1000 event names, ≤100 origins): the body limit of one event, not the 1 MB default.
  const small = { bodyLimit: limits.maxEventBytes };

  app.post('/v1/admin/accounts', { ...small, config: { openapi: docs.createAccount } }, async (request, reply) => {
    admin(request);
    return reply
      .code(201)
      .send(await createAccountWithKeys(deps.store, parseOrThrow(createAccountSchema, request.body)));
  });

  app.patch<{ Params: { id: string } }>(
    '/v1/admin/accounts/:id',
    { ...small, config: { openapi: docs.updateAccount } },
    async (request) => {
      admin(request);
      const id = pathId(request.params.id, 'account_not_found');
      return updateAccount(deps.store, id, parseOrThrow(updateAccountSchema, request.body));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/admin/accounts/:id/keys',
    { ...small, config: { openapi: docs.issueKey } },
    async (request, reply) => {
      admin(request);
      const id = pathId(request.params.id, 'account_not_found');
      return reply.code(201).send(await issueKey(deps.store, id, parseOrThrow(createKeySchema, request.body)));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/admin/keys/:id',
    { config: { openapi: docs.revokeKey } },
    async (request) => {
      admin(request);
      const id = pathId(request.params.id, 'key_not_found');
      await revokeKey(deps.store, id);
      return { id, revoked: true };
    },
  );
}
