import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type CollectorConfig, loadConfig } from '../../src/config.js';
import { client, postgresAdminUrl } from '../support/collector.js';
import { natsUrl, settled } from '../support/log-mode.js';
import { createDatabase } from '../support/postgres.js';

interface Running {
  url: string;
  config: CollectorConfig;
  app: FastifyInstance;
}

async function collector(env: Record<string, string>, writer: boolean): Promise<Running> {
  const config = loadConfig({
    TRACKLET_ADMIN_TOKEN: 'test-admin-token',
    TRACKLET_LOG_LEVEL: 'warn',
    TRACKLET_LOG: natsUrl(),
    ...env,
  });
  const app = await buildApp(config, { logger: false, logWriter: writer });
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), config, app };
}

/**
 * Issue #8: what a writer does with a message it gets again (a writer died after its commit and before its ack, or
 * after an ack wait) and with one it cannot read. The collector runs without a writer first, so the messages wait
 * in the stream; the test publishes a copy of each under another message id (JetStream's duplicate window does not
 * absorb it, exactly like a redelivery), plus garbage; then a writer runs.
 */
describe('a writer given the same message twice, and an unreadable one', () => {
  let env: Record<string, string>;
  let alone: Running;
  let nc: NatsConnection;
  let live: string;

  beforeAll(async () => {
    env = {
      TRACKLET_DB: await createDatabase(postgresAdminUrl()),
      TRACKLET_LOG_STREAM: `rd_${randomBytes(6).toString('hex')}`,
      TRACKLET_LOG_WAIT_MS: '200',
    };
    alone = await collector(env, false);
    live = (await client(alone, alone.config.adminToken).post('/v1/admin/accounts', { name: 'redelivery' })).body.keys
      .live;
    nc = await connect({ servers: natsUrl().split(',') });
  });
  afterAll(async () => {
    await alone?.app.close();
    await nc?.close();
  });

  it('stores each event once, runs its contact changes once, and skips the unreadable message', async () => {
    const api = client(alone, live);
    const keyless = await api.post('/v1/events', {
      event: 'login',
      contact_email: 'twice@example.com',
      contact: { plan: 'pro' },
    });
    const keyed = await api.post('/v1/events', {
      event: 'signup',
      contact_email: 'twice@example.com',
      idempotency_key: 'twice-1',
    });
    expect([keyless.status, keyed.status]).toEqual([202, 202]);

    const stream = env.TRACKLET_LOG_STREAM as string;
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    for (const seq of [1, 2]) {
      const message = await jsm.streams.getMessage(stream, { seq });
      await js.publish(message!.subject, message!.data, { msgID: `copy-${seq}` });
    }
    await js.publish(`${stream}.1`, 'not a log message', { msgID: 'garbage' });
    const after = await api.post('/v1/events', {
      event: 'after',
      contact_email: 'twice@example.com',
      idempotency_key: 'after-1',
    });
    expect(after.status).toBe(202);
    expect((await jsm.streams.info(stream)).state.messages).toBe(6);

    const writer = await collector({ ...env, TRACKLET_INSTANCE_ID: '4' }, true);
    try {
      await settled(writer);
      const events = (await api.get('/v1/events?limit=100')).body as { id: number; event: string }[];
      expect(events.map((e) => e.event).sort()).toEqual(['after', 'login', 'signup']);
      expect(events.find((e) => e.event === 'login')?.id).toBe(keyless.body.id);
      expect(events.find((e) => e.event === 'signup')?.id).toBe(keyed.body.id);
      const profile = (await api.get('/v1/contacts?email=twice@example.com')).body;
      expect(profile).toMatchObject({ event_count: 3, attributes: { plan: 'pro' } });
      // Every message was acked, the garbage too: nothing is left to block the stream.
      expect((await jsm.streams.info(stream)).state.messages).toBe(0);
    } finally {
      await writer.app.close();
    }
  });
});
