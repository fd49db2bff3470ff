import { z } from 'zod';
import type { Scope } from './admin.js';
import { apiComponentSchemas, apiComponents } from './openapi-components.js';

/** One answer of a route: its description, and its body's schema and headers when it has them. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
  headers?: z.ZodObject;
}

/**
 * How a route is documented, declared on the route itself (Fastify's route `config.openapi`), with the very schemas
 * its handler parses with: the OpenAPI document is built from the routes the app registered, so it cannot drift.
 */
export interface RouteDoc {
  summary: string;
  /** Who may call it: a bearer credential with this scope, the admin token, a publishable key in the body, anyone. */
  auth: Scope | 'admin' | 'publishable' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** Every success answer by status; the error answers follow from the rest (credential, input, path ids). */
  responses: Record<number, ResponseDoc>;
  /** Error statuses the rest does not imply, such as 409 for an idempotency conflict. */
  errors?: number[];
}

/** A registered route and its declaration; `url` in Fastify's form (`/v1/events/:id`). */
export interface DocumentedRoute {
  method: string;
  url: string;
  doc: RouteDoc;
}

const errorText: Record<number, string> = {
  400: 'invalid input',
  401: 'missing or unknown credential',
  403: 'the credential lacks the scope, or the origin is not allowed',
  404: 'no such resource (or another account’s)',
  409: 'idempotency conflict: the same key with a different body',
  413: 'body too large',
  415: 'unsupported content type',
  429: 'rate limited; retry after Retry-After seconds',
  503: 'store unavailable: nothing was accepted; retry after Retry-After seconds',
};
const retryAfter = { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } };

type Json = Record<string, unknown>;

/** JSON Schema of a zod schema; registered components become refs, their definitions gathered in `defs`. */
function jsonSchema(schema: z.ZodType, defs: Json): Json {
  const options = { metadata: apiComponents, target: 'draft-2020-12', io: 'input', unrepresentable: 'any' } as const;
  const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, options) as Json;
  Object.assign(defs, $defs);
  return json;
}

function parameters(where: 'path' | 'query' | 'header', schema: z.ZodObject | undefined, defs: Json) {
  if (!schema) return [];
  const json = jsonSchema(schema, defs) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function content(schema: z.ZodType | undefined, contentType: string, defs: Json) {
  return schema ? { content: { [contentType]: { schema: jsonSchema(schema, defs) } } } : {};
}

/** The error answers a route can give, from what it takes: a credential, a body, parameters, path ids. */
function errorStatuses(doc: RouteDoc): number[] {
  const statuses = new Set(doc.errors ?? []);
  const add = (...list: number[]) => list.forEach((s) => statuses.add(s));
  if (doc.auth === 'admin') add(401, 503);
  else if (doc.auth !== 'none') add(401, 403, 429, 503);
  if (doc.body) add(400, 413, 415);
  if (doc.query || doc.headers) add(400);
  if (doc.params) add(404);
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: DocumentedRoute, defs: Json) {
  const { doc } = route;
  const answers: Json = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    const headers = answer.headers && parameters('header', answer.headers, defs);
    answers[status] = {
      description: answer.description,
      ...(headers ? { headers: Object.fromEntries(headers.map(({ name, schema }) => [name, { schema }])) } : {}),
      ...content(answer.schema, answer.contentType ?? 'application/json', defs),
    };
  }
  for (const status of errorStatuses(doc))
    answers[status] = {
      description: errorText[status] ?? 'error',
      ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  const security = doc.auth === 'admin' ? [{ adminToken: [] }] : doc.auth === 'publishable' ? [] : [{ bearer: [] }];
  return {
    summary: doc.summary,
    ...(doc.auth === 'none' ? { security: [] } : { security, 'x-scope': doc.auth }),
    parameters: [
      ...parameters('path', doc.params ?? pathParams(route.url), defs),
      ...parameters('query', doc.query, defs),
      ...parameters('header', doc.headers, defs),
    ],
    ...(doc.body ? { requestBody: { required: true, ...content(doc.body, 'application/json', defs) } } : {}),
    responses: answers,
  };
}

/** Path parameters a declaration left out: strings, so the document still names every one. */
const pathParams = (url: string) => {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return names.length ? z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) : undefined;
};
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** The OpenAPI 3.1 document of the routes given (served at GET /openapi.json). */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], serverUrl?: string) {
  const defs: Json = {};
  for (const schema of Object.values(apiComponentSchemas)) jsonSchema(schema, defs);
  const paths: Record<string, Json> = {};
  for (const route of [...routes].sort((a, b) => a.url.localeCompare(b.url)))
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation(route, defs);
  const document = {
    openapi: '3.1.0',
    info: { title: 'Tracklet collector API', version: '1.0.0' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: defs,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a secret API key (tk_live_…, tk_test_…) or a JWT' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'TRACKLET_ADMIN_TOKEN' },
      },
    },
  };
  // zod names the definitions of one schema `#/$defs/…`; here they are the document's shared components.
  return JSON.parse(JSON.stringify(document).replaceAll('"#/$defs/', '"#/components/schemas/')) as typeof document;
}
