import type { FastifyInstance } from 'fastify';
import {
  contactProfileSchema,
  contactUpsertSchema,
  deletedBodySchema,
  limits,
  listContactsQuerySchema,
  listEventsQuerySchema,
  pageHeadersSchema,
  pathIdParamsSchema,
  type RouteDoc,
  storedEventSchema,
} from '@tracklet/protocol';
import { z } from 'zod';
import { TrackletError } from '../errors.js';
import { upsertContact } from '../pipeline/upsert-contact.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, bearer, listEvents, parseQuery, pathId, sendPage } from './http.js';

const docs = {
  upsert: {
    summary: 'Create or update a contact by email, phone or external_id (or id)',
    auth: 'contacts.write',
    body: contactUpsertSchema,
    responses: {
      201: { description: 'created', schema: contactProfileSchema },
      200: { description: 'updated', schema: contactProfileSchema },
    },
  },
  find: {
    summary: 'The contact with this email, phone or external_id (404 when none); without one, every contact, paged',
    auth: 'contacts.read',
    query: listContactsQuerySchema,
    responses: {
      200: {
        description: 'the profile, or a page of profiles',
        schema: z.union([contactProfileSchema, z.array(contactProfileSchema)]),
        headers: pageHeadersSchema.partial(),
      },
    },
  },
  get: {
    summary: 'A contact profile',
    auth: 'contacts.read',
    params: pathIdParamsSchema,
    responses: { 200: { description: 'the profile', schema: contactProfileSchema } },
  },
  events: {
    summary: "A contact's events, newest first",
    auth: 'contacts.read',
    params: pathIdParamsSchema,
    query: listEventsQuerySchema,
    responses: {
      200: { description: 'a page of events', schema: z.array(storedEventSchema), headers: pageHeadersSchema },
    },
  },
  erase: {
    summary: 'Erase a contact, its identities and its events',
    auth: 'contacts.write',
    params: pathIdParamsSchema,
    responses: { 200: { description: 'erased', schema: deletedBodySchema } },
  },
} satisfies Record<string, RouteDoc>;

export function contactRoutes(app: FastifyInstance, deps: AppDeps): void {
  const profileOr404 = async (accountId: number, id: number) => {
    const profile = await deps.store.getContactProfile(accountId, id);
    if (!profile) throw new TrackletError('contact_not_found', `no contact ${id}`);
    return profile;
  };

  // A contact carries at most 32 KB of attributes: the body limit of one event is plenty (not the 1 MB default).
  app.post(
    '/v1/contacts',
    { bodyLimit: limits.maxEventBytes, config: { openapi: docs.upsert } },
    async (request, reply) => {
      const auth = await bearer(deps, request, 'contacts.write');
      const input = parseOrThrow(contactUpsertSchema, request.body);
      const { id, created } = await deps.store.write((tx) => upsertContact(tx, auth.account.id, input, Date.now()));
      return reply.code(created ? 201 : 200).send(await profileOr404(auth.account.id, id));
    },
  );

  /** With email, phone or external_id: that one profile (404 when none); without: every contact, paged. */
  app.get('/v1/contacts', { config: { openapi: docs.find } }, async (request, reply) => {
    const auth = await bearer(deps, request, 'contacts.read');
    const { page = 1, limit = limits.defaultPageSize, ...filter } = parseQuery(listContactsQuerySchema, request.query);
    const { contacts, total } = await deps.store.listContacts(auth.account.id, filter, {
      limit,
      offset: (page - 1) * limit,
    });
    if (Object.keys(filter).length === 0) return sendPage(request, reply, contacts, total, page, limit);
    const live = contacts.find((c) => c.merged_into === null);
    if (!live) throw new TrackletError('contact_not_found', 'no contact matches');
    return live;
  });

  app.get<{ Params: { id: string } }>('/v1/contacts/:id', { config: { openapi: docs.get } }, async (request) => {
    const auth = await bearer(deps, request, 'contacts.read');
    return profileOr404(auth.account.id, pathId(request.params.id, 'contact_not_found'));
  });

  app.get<{ Params: { id: string } }>(
    '/v1/contacts/:id/events',
    { config: { openapi: docs.events } },
    async (request, reply) => {
      const auth = await bearer(deps, request, 'contacts.read');
      const id = pathId(request.params.id, 'contact_not_found');
      await profileOr404(auth.account.id, id);
      return listEvents(deps, auth, request, reply, { contact_id: id });
    },
  );

  app.delete<{ Params: { id: string } }>('/v1/contacts/:id', { config: { openapi: docs.erase } }, async (request) => {
    const auth = await bearer(deps, request, 'contacts.write');
    const id = pathId(request.params.id, 'contact_not_found');
    const deleted = await deps.store.write((tx) => tx.deleteContact(auth.account.id, id));
    if (!deleted) throw new TrackletError('contact_not_found', `no contact ${id}`);
    return { id, deleted: true };
  });
}
