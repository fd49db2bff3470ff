import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import type { AccountWithKeys } from '@tracklet/protocol';
import { type BuildOptions, buildApp } from '../../src/app.js';
import { type CollectorConfig, loadConfig } from '../../src/config.js';
import { logEnv } from './log-mode.js';
import { createDatabase, databaseText } from './postgres.js';

export interface TestCollector {
  url: string;
  config: CollectorConfig;
  app: FastifyInstance;
  /** Stops listening and closes the store (files stay for a restart). */
  stop(): Promise<void>;
  /** A new collector process-equivalent on the same database (file or PostgreSQL database). */
  restart(): Promise<TestCollector>;
}

/** A temp directory removed when the test file ends (call from afterAll). */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tracklet-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The store the collector tests run on: the `postgres` Vitest project sets TRACKLET_TEST_STORE (vite.config.ts); the
 * `cluster` project runs on PostgreSQL too, behind the event log (support/log-mode.ts).
 */
export const testStore: 'sqlite' | 'postgres' = ['postgres', 'cluster'].includes(process.env.TRACKLET_TEST_STORE ?? '')
  ? 'postgres'
  : 'sqlite';
export { beaconTaken, settled, testLog } from './log-mode.js';

/** The fixture server's maintenance URL, provided by the postgres project's globalSetup. */
export function postgresAdminUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no PostgreSQL test server: run the postgres Vitest project (its globalSetup starts one)');
  return url;
}

const databases = new Map<string, Promise<string>>();

/**
 * The TRACKLET_DB for a test's database path: on SQLite the path itself; on PostgreSQL a fresh database on the
 * fixture server, the same one for every call with that path (a restart or a reopen sees the same data).
 */
export function testDb(dbPath: string): Promise<string> {
  if (testStore === 'sqlite') return Promise.resolve(dbPath);
  let db = databases.get(dbPath);
  if (!db) databases.set(dbPath, (db = createDatabase(postgresAdminUrl())));
  return db;
}

/**
 * Everything the test store holds for this database path, as text: the SQLite file with its -wal/-shm (latin1), or
 * every row of every PostgreSQL table. For tests of what must never be stored, such as a full API key.
 */
export async function storedText(dbPath: string): Promise<string> {
  if (testStore === 'postgres') return databaseText(await testDb(dbPath));
  const files = readdirSync(dirname(dbPath)).filter((f) => f.startsWith(basename(dbPath)));
  if (!files.includes(basename(dbPath))) throw new Error(`no database file ${dbPath}`);
  return files.map((f) => readFileSync(join(dirname(dbPath), f)).toString('latin1')).join('\n');
}

/**
 * A real collector on a free loopback port, on a real SQLite file or a real PostgreSQL database (testStore); an
 * `env.TRACKLET_DB` given wins. In the cluster project it runs in log mode with a log writer in its process.
 */
export async function startCollector(
  dbPath: string,
  env: Record<string, string> = {},
  build: Omit<BuildOptions, 'logger' | 'logWriter'> = {},
): Promise<TestCollector> {
  const config = loadConfig({
    TRACKLET_DB: env.TRACKLET_DB ?? (await testDb(dbPath)),
    TRACKLET_ADMIN_TOKEN: 'test-admin-token',
    PORT: '0',
    TRACKLET_LOG_LEVEL: 'warn',
    TRACKLET_TRACKER_SCRIPT: join(dbPath, '..', 'no-tracker.js'),
    ...logEnv(dbPath),
    ...env,
  });
  const app = await buildApp(config, { ...build, logger: false, logWriter: config.log !== null });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    config,
    app,
    stop: () => app.close(),
    restart: async () => {
      await app.close();
      return startCollector(dbPath, env, build);
    },
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call; the body is parsed as JSON when it is JSON. */
export async function call<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const response = await fetch(url, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T };
}

/** A client bound to one bearer credential (or to a function that gives it when a call is made). */
export function client(c: { url: string }, token: string | (() => string)) {
  const auth = () => ({ authorization: `Bearer ${typeof token === 'string' ? token : token()}` });
  return {
    get: <T = any>(path: string) => call<T>(c.url + path, { headers: auth() }),
    post: <T = any>(path: string, json: unknown, headers: Record<string, string> = {}) =>
      call<T>(c.url + path, { method: 'POST', json, headers: { ...auth(), ...headers } }),
    patch: <T = any>(path: string, json: unknown) => call<T>(c.url + path, { method: 'PATCH', json, headers: auth() }),
    delete: <T = any>(path: string) => call<T>(c.url + path, { method: 'DELETE', headers: auth() }),
  };
}

export type Client = ReturnType<typeof client>;

export const admin = (c: TestCollector) => client(c, c.config.adminToken);

/** A new account through the admin API, with its three full keys. */
export async function createAccount(c: TestCollector, body: Record<string, unknown> = {}): Promise<AccountWithKeys> {
  const answer = await admin(c).post('/v1/admin/accounts', { name: 'test', ...body });
  if (answer.status !== 201) throw new Error(`account not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as AccountWithKeys;
}

export const humanUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** POST /v1/collect as a browser would (text/plain, a desktop Chrome user agent unless told otherwise). */
export function beacon(c: { url: string }, body: unknown, headers: Record<string, string> = {}) {
  return call(c.url + '/v1/collect', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': humanUserAgent, ...headers },
  });
}
