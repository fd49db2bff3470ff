import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type CollectorConfig, loadConfig } from '../../src/config.js';
import { EventIdGenerator } from '../../src/ids.js';
import type { LogConfig } from '../../src/event-log/event-log-config.js';
import { connectToLog } from '../../src/event-log/jetstream.js';
import { type LogWriter, startLogWriter } from '../../src/event-log/writer.js';
import { createMetrics } from '../../src/metrics.js';
import { createUserAgentParser } from '../../src/pipeline/enrich-user-agent.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { beacon, call, client, postgresAdminUrl } from '../support/collector.js';
import { natsUrl, settled } from '../support/log-mode.js';
import { type NatsCluster, startNatsCluster } from '../support/nats-cluster.js';
import { createDatabase, type PostgresServer, startPostgresServer } from '../support/postgres.js';
import { eventually, expectUnavailable } from '../support/outage.js';

interface Running {
  url: string;
  config: CollectorConfig;
  app: FastifyInstance;
}

/** A log-mode collector (with a log writer in its process unless told otherwise). */
async function collector(env: Record<string, string>, writer = true): Promise<Running> {
  const config = loadConfig({
    TRACKLET_ADMIN_TOKEN: 'test-admin-token',
    TRACKLET_LOG_LEVEL: 'warn',
    TRACKLET_LOG_STREAM: `out_${randomBytes(6).toString('hex')}`,
    ...env,
  });
  const app = await buildApp(config, { logger: false, logWriter: writer });
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), config, app };
}

/** A log writer in this process on a store opened beforehand (its own NATS connection). */
async function writerOn(config: CollectorConfig, store: Store): Promise<LogWriter & { stop(): Promise<void> }> {
  const log = config.log as LogConfig;
  const nc = await connectToLog(log.servers, 'outage-writer');
  const deps = {
    store,
    metrics: createMetrics(),
    jwtSecret: null,
    ids: new EventIdGenerator(9),
    userAgents: createUserAgentParser(),
  };
  const writer = await startLogWriter({ config: log, deps, nc, log: Fastify({ logger: false }).log });
  return Object.assign(Object.create(writer) as LogWriter, {
    stop: async () => {
      await writer.stop();
      await nc.close();
    },
  });
}

const newAccount = async (r: Running): Promise<{ live: string; publishable: string }> =>
  (await client(r, r.config.adminToken).post('/v1/admin/accounts', { name: 'outage' })).body.keys;

/** Issue #8: `/readyz` reflects the log and the database; what each outage does to writes in log mode (docs/deploy.md). */
describe('log mode outages', () => {
  describe('the NATS server down', () => {
    // Its own single-node server: killing it must not disturb the other test files.
    let nats: NatsCluster;
    let c: Running;
    let keys: { live: string; publishable: string };
    beforeAll(async () => {
      nats = await startNatsCluster({ nodes: 1, name: 'outage' });
      c = await collector({ TRACKLET_LOG: nats.url, TRACKLET_DB: await createDatabase(postgresAdminUrl()) });
      keys = await newAccount(c);
    });
    afterAll(async () => {
      await c?.app.close();
      await nats?.stop();
    });

    it('is not ready and accepts nothing while NATS is down, and recovers by itself when it is back', async () => {
      expect((await call(`${c.url}/readyz`)).body).toEqual({ status: 'ready', store: 'postgres' });
      await nats.stopNode(0);
      await eventually(async () => (await call(`${c.url}/readyz`)).status === 503);
      expectUnavailable(await call(`${c.url}/readyz`));
      expectUnavailable(
        await beacon(c, {
          key: keys.publishable,
          events: [{ id: 'nats-down-1', event: 'page_view', anonymous_id: 'anon-n' }],
        }),
      );
      expectUnavailable(
        await client(c, keys.live).post('/v1/events', { event: 'down', contact_email: 'n@example.com' }),
      );
      // Reads go to PostgreSQL, which is up.
      expect((await client(c, keys.live).get('/v1/events')).status).toBe(200);

      await nats.startNode(0);
      await eventually(async () => (await call(`${c.url}/readyz`)).status === 200);
      expect(
        (await client(c, keys.live).post('/v1/events', { event: 'up', contact_email: 'n@example.com' })).status,
      ).toBe(201);
      expect((await client(c, keys.live).get('/v1/events/status?idempotency_key=nats-down-1')).body.status).toBe(
        'not_found',
      );
    });
  });

  describe('PostgreSQL down', () => {
    // Its own server, stopped under a collector and a writer.
    let server: PostgresServer;
    let db: string;
    let c: Running;
    let keys: { live: string; publishable: string };
    beforeAll(async () => {
      server = await startPostgresServer();
      db = await createDatabase(server.url());
      c = await collector({ TRACKLET_LOG: natsUrl(), TRACKLET_DB: db, TRACKLET_LOG_WAIT_MS: '300' }, false);
      keys = await newAccount(c);
    });
    afterAll(async () => {
      await c?.app.close();
      await server?.destroy();
    });

    it('keeps what the log accepted while the writer retries, and stores it all once PostgreSQL is back', async () => {
      // Accepted into the log (no writer yet): a beacon, and a server-API event answered 202 after the wait.
      const fromBeacon = await beacon(c, {
        key: keys.publishable,
        events: [{ id: 'pg-down-1', event: 'page_view', anonymous_id: 'anon-p' }],
      });
      expect(fromBeacon.body.results).toEqual([{ index: 0, status: 'accepted', id: expect.any(Number) }]);
      const fromApi = await client(c, keys.live).post('/v1/events', {
        event: 'during',
        contact_email: 'p@example.com',
        idempotency_key: 'pg-down-2',
      });
      expect(fromApi.body).toEqual({ status: 'accepted', id: expect.any(Number), idempotency_key: 'pg-down-2' });

      const store = await openPostgresStore(db);
      await server.stop();
      const writer = await writerOn(c.config, store);
      try {
        // Keys this collector already checked still authenticate from its cache, so events keep going into the log;
        // a key it never saw needs PostgreSQL: 503.
        expectUnavailable(await call(`${c.url}/readyz`));
        const during = await client(c, keys.live).post('/v1/events', {
          event: 'during',
          contact_email: 'p@example.com',
          idempotency_key: 'pg-down-3',
        });
        expect(during.status).toBe(202);
        const duringBeacon = await beacon(c, {
          key: keys.publishable,
          events: [{ id: 'pg-down-4', event: 'page_view', anonymous_id: 'anon-p' }],
        });
        expect(duringBeacon.body.results).toEqual([{ index: 0, status: 'accepted', id: expect.any(Number) }]);
        expectUnavailable(
          await client(c, 'tk_live_neverseenneverseenneverseen00').post('/v1/events', {
            event: 'x',
            contact_email: 'p@example.com',
          }),
        );
        await expect(writer.ready()).rejects.toThrow();
        // A window in which nothing may be written while PostgreSQL is down (no condition can end it sooner).
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(writer.written).toBe(0);

        await server.start();
        await settled(c, 30_000);
        expect(writer.written).toBe(4);
        const api = client(c, keys.live);
        expect((await api.get(`/v1/events/${fromBeacon.body.results[0].id}`)).body.idempotency_key).toBe('pg-down-1');
        expect((await api.get('/v1/events/status?idempotency_key=pg-down-2')).body).toEqual({
          status: 'created',
          event_id: fromApi.body.id,
        });
        expect((await api.get('/v1/events/status?idempotency_key=pg-down-3')).body).toEqual({
          status: 'created',
          event_id: during.body.id,
        });
        expect((await api.get(`/v1/events/${duringBeacon.body.results[0].id}`)).body.idempotency_key).toBe('pg-down-4');
      } finally {
        await writer.stop();
        await store.close();
      }
    });
  });
});
