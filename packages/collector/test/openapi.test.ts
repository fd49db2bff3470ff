import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiRoutes } from '../src/routes/openapi.js';
import { startCollector, tempDir, type TestCollector } from './support/collector.js';

type Operation = {
  parameters: { name: string; in: string; required: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  requestBody?: unknown;
};
type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: object };
};

/**
 * The routes Fastify registered that the document leaves out. Not the CORS plugin's OPTIONS (it answers every path)
 * nor the demo shop's and the dashboard's pages (not part of the API).
 */
function undocumented(app: FastifyInstance, document: OpenApiDocument): string[] {
  return app.registeredRoutes
    .filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD' && !/^\/(demo|dashboard)/.test(r.url))
    .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:(\w+)/g, '{$1}') }))
    .filter(({ method, path }) => !document.paths[path]?.[method])
    .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
}

const refsIn = (value: unknown): string[] =>
  typeof value !== 'object' || value === null
    ? []
    : Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));

describe('the OpenAPI document, built from the routes the app registers', () => {
  const dir = tempDir();
  let c: TestCollector;
  let document: OpenApiDocument;
  beforeAll(async () => {
    c = await startCollector(`${dir.path}/t.db`);
    document = (await c.app.inject('/openapi.json')).json();
  });
  afterAll(async () => {
    await c.app.close();
    dir.remove();
  });

  it('documents every route the app registers', () => {
    expect(c.app.registeredRoutes.length).toBeGreaterThan(15);
    expect(undocumented(c.app, document)).toEqual([]);
  });

  it('reports a route registered without a declaration', async () => {
    const app = Fastify({ logger: false });
    openApiRoutes(app);
    app.get('/v1/declared', { config: { openapi: { summary: 'x', auth: 'none', responses: {} } } }, async () => 1);
    app.post('/v1/forgotten/:id', async () => 1);
    await app.ready();
    const bare = (await app.inject('/openapi.json')).json() as OpenApiDocument;
    expect(undocumented(app, bare)).toEqual(['POST /v1/forgotten/{id}']);
    expect(Object.keys(bare.paths['/v1/declared']!)).toEqual(['get']);
    await app.close();
  });

  it('is valid OpenAPI 3.1, and every $ref in it resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const names = new Set(Object.keys(document.components.schemas).map((name) => `#/components/schemas/${name}`));
    expect(refsIn(document.paths).filter((ref) => !names.has(ref))).toEqual([]);
    // The validator does refuse a broken document.
    const broken = { ...document, paths: { '/v1/x': { get: { responses: { 200: { content: 5 } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents path ids, query filters, the Idempotency-Key header and the error answers', () => {
    const op = (method: string, path: string) => document.paths[path]![method]!;
    const param = (o: Operation, where: string) => o.parameters.filter((p) => p.in === where).map((p) => p.name);
    expect(op('get', '/v1/events/{id}').parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    );
    expect(param(op('get', '/v1/events'), 'query')).toEqual(
      expect.arrayContaining(['page', 'limit', 'event', 'contact_id', 'created_after', 'test', 'after_id']),
    );
    expect(param(op('get', '/v1/contacts/{id}/events'), 'query')).toContain('after_id');
    expect(param(op('post', '/v1/events'), 'header')).toEqual(['Idempotency-Key']);
    expect(Object.keys(op('post', '/v1/events').responses)).toEqual(
      expect.arrayContaining(['200', '201', '202', '400', '401', '403', '409', '413', '415', '429', '503']),
    );
    expect(Object.keys(op('delete', '/v1/contacts/{id}').responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(op('post', '/v1/collect').responses['200']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/Results',
    });
    for (const [path, operations] of Object.entries(document.paths))
      for (const [method, o] of Object.entries(operations))
        expect(
          Object.keys(o.responses).some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
  });
});
