import type { FastifyReply, FastifyRequest } from 'fastify';
import { limits, listEventsQuerySchema, type Scope, type StoredEvent } from '@tracklet/protocol';
import type { z } from 'zod';
import type { CollectorConfig } from '../config.js';
import { errorList, TrackletError } from '../errors.js';
import type { Ingestion } from '../ingestion.js';
import { authenticateBearer } from '../pipeline/authenticate-key.js';
import { authorizeScope } from '../pipeline/authorize-scope.js';
import type { Auth, PipelineDeps, RequestMeta } from '../pipeline/context.js';
import type { EventFilter } from '../store/records.js';
import { issuesToErrors } from '../validate.js';
import type { Webhooks } from '../webhooks/webhooks.js';

export interface AppDeps extends PipelineDeps {
  config: CollectorConfig;
  /** Where the write routes hand events on: the store directly, or the event log (chosen in app.ts). */
  ingest: Ingestion;
  /** Outgoing webhooks (issue #21). */
  webhooks: Webhooks;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's credential once an authentication hook ran (server API: onRequest; beacons: preHandler). */
    auth: Auth | null;
  }
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  return {
    ip: request.ip || null,
    // Cut, not refused: the browser sets it, and a beacon must not be lost over it (issue #16).
    userAgent: header(request, 'user-agent')?.slice(0, limits.maxUserAgentLength) ?? null,
    origin: header(request, 'origin') ?? null,
    receivedAt: Date.now(),
  };
}

/** A header's value; a header sent twice is ambiguous and refused. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (Array.isArray(value)) throw new TrackletError('invalid_parameter', `the ${name} header was sent more than once`);
  return value;
}

/** Authenticates the bearer credential once per request (the server API's onRequest hook does it first). */
export async function authenticate(deps: AppDeps, request: FastifyRequest): Promise<Auth> {
  request.auth ??= await authenticateBearer(deps.store, deps.jwtSecret, header(request, 'authorization'));
  return request.auth;
}

/** The request's bearer credential, checked to carry the scope. */
export async function bearer(deps: AppDeps, request: FastifyRequest, scope: Scope): Promise<Auth> {
  const auth = await authenticate(deps, request);
  authorizeScope(auth, scope);
  return auth;
}

/** Query strings: every problem is a 400 invalid_parameter naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw errorList(
    issuesToErrors(result.error.issues).map((e) => ({ ...e, code: 'invalid_parameter', message: 'Invalid parameter' })),
  );
}

/** A positive integer path id, or the resource's 404 (ids are never other shapes). */
export function pathId(
  raw: string,
  notFound:
    | 'event_not_found'
    | 'contact_not_found'
    | 'account_not_found'
    | 'key_not_found'
    | 'webhook_not_found'
    | 'delivery_not_found',
): number {
  const id = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new TrackletError(notFound, `no such id: ${raw.slice(0, 64)}`);
  return id;
}

function pageLink(request: FastifyRequest, page: number, rel: string): string {
  const url = new URL(request.url, 'http://collector.invalid');
  url.searchParams.set('page', String(page));
  return `<${url.pathname}${url.search}>; rel="${rel}"`;
}

/**
 * Paging headers of every list: X-Total-Count, X-Page, X-Per-Page and a Link header (first/prev/next/last). When
 * the count was capped (limits.maxExactCount), X-Total-Count is a lower bound, X-Total-Count-Capped says so, and
 * there is no `last` link (nobody counted that far); `next` is given while the page is full.
 */
export function sendPage<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  items: T[],
  total: number,
  page: number,
  limit: number,
  capped = false,
) {
  const last = Math.max(1, Math.ceil(total / limit));
  const links = [pageLink(request, 1, 'first')];
  if (!capped) links.push(pageLink(request, last, 'last'));
  if (page > 1) links.push(pageLink(request, capped ? page - 1 : Math.min(page - 1, last), 'prev'));
  if (capped ? items.length === limit : page < last) links.push(pageLink(request, page + 1, 'next'));
  reply
    .header('X-Total-Count', String(total))
    .header('X-Page', String(page))
    .header('X-Per-Page', String(limit))
    .header('Link', links.join(', '));
  if (capped) reply.header('X-Total-Count-Capped', 'true');
  return items;
}

/** `GET /v1/events` and a contact's events: filters, paging, and test keys that see only test events. */
export async function listEvents(
  deps: AppDeps,
  auth: Auth,
  request: FastifyRequest,
  reply: FastifyReply,
  fixed: EventFilter = {},
) {
  const query = parseQuery(listEventsQuerySchema, request.query);
  const page = query.page ?? 1;
  const limit = query.limit ?? limits.defaultPageSize;
  const { page: _p, limit: _l, ...filter } = query;
  if (auth.test && filter.test === false) return sendPage(request, reply, [] as StoredEvent[], 0, page, limit);
  const { events, total, capped } = await deps.store.listEvents(
    auth.account.id,
    { ...filter, ...fixed, ...(auth.test ? { test: true } : {}) },
    { limit, offset: (page - 1) * limit },
  );
  return sendPage(request, reply, events, total, page, limit, capped);
}
