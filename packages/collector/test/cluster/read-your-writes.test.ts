import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type CollectorConfig, loadConfig } from '../../src/config.js';
import { beacon, call, client, postgresAdminUrl } from '../support/collector.js';
import { natsUrl, settled } from '../support/log-mode.js';
import { createDatabase } from '../support/postgres.js';

interface Running {
  url: string;
  config: CollectorConfig;
  app: FastifyInstance;
}

const running: Running[] = [];

/** A log-mode collector in this process; `writer`: with a log writer in it too. */
async function collector(env: Record<string, string>, writer: boolean): Promise<Running> {
  const config = loadConfig({
    TRACKLET_ADMIN_TOKEN: 'test-admin-token',
    TRACKLET_LOG_LEVEL: 'warn',
    TRACKLET_LOG: natsUrl(),
    ...env,
  });
  const app = await buildApp(config, { logger: false, logWriter: writer });
  const started = { url: await app.listen({ port: 0, host: '127.0.0.1' }), config, app };
  running.push(started);
  return started;
}

const stream = () => `ryw_${randomBytes(6).toString('hex')}`;

/** A new account's keys, through the admin API. */
async function newAccount(r: Running): Promise<{ live: string; publishable: string }> {
  return (await client(r, r.config.adminToken).post('/v1/admin/accounts', { name: 'ryw' })).body.keys;
}

/**
 * Issue #8, the read-your-writes rule of log mode (README "Scale-out"): a server-API write answered 201/200 is
 * committed, so any collector reads it at once; a beacon's events (and a 202) become readable when a writer
 * commits them; with no writer running, a write answers 202 after TRACKLET_LOG_WAIT_MS and the status endpoint
 * turns `created` once a writer runs.
 */
describe('read-your-writes across collectors in log mode', () => {
  let env: Record<string, string>;
  let a: Running;
  let b: Running;
  let keys: { live: string; publishable: string };

  beforeAll(async () => {
    env = { TRACKLET_DB: await createDatabase(postgresAdminUrl()), TRACKLET_LOG_STREAM: stream() };
    a = await collector({ ...env, TRACKLET_INSTANCE_ID: '1' }, true);
    b = await collector({ ...env, TRACKLET_INSTANCE_ID: '2' }, false);
    keys = await newAccount(a);
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.app.close()));
  });

  it('reads a 201 from another collector at once, and the status endpoint agrees', async () => {
    const posted = await client(b, keys.live).post('/v1/events', {
      event: 'signup',
      contact_email: 'ryw@example.com',
      idempotency_key: 'ryw-1',
    });
    expect(posted.status).toBe(201);
    expect((await client(a, keys.live).get(`/v1/events/${posted.body.id}`)).body).toEqual(posted.body);
    expect((await client(a, keys.live).get('/v1/events/status?idempotency_key=ryw-1')).body).toEqual({
      status: 'created',
      event_id: posted.body.id,
    });
    const replay = await client(a, keys.live).post('/v1/events', {
      event: 'signup',
      contact_email: 'ryw@example.com',
      idempotency_key: 'ryw-1',
    });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(posted.body);
  });

  it('reads a beacon event from another collector once the writer committed it, with the id the beacon was given', async () => {
    const answer = await beacon(b, {
      key: keys.publishable,
      events: [{ id: 'ryw-b1', event: 'page_view', anonymous_id: 'anon-ryw' }],
    });
    expect(answer.body.results).toEqual([{ index: 0, status: 'accepted', id: expect.any(Number) }]);
    await settled(b);
    const stored = await client(a, keys.live).get(`/v1/events/${answer.body.results[0].id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ event: 'page_view', anonymous_id: 'anon-ryw', idempotency_key: 'ryw-b1' });
  });

  it('answers 409 for a key reused with another body, through either collector', async () => {
    const changed = await client(b, keys.live).post('/v1/events', {
      event: 'signup',
      contact_email: 'other@example.com',
      idempotency_key: 'ryw-1',
    });
    expect(changed.status).toBe(409);
    expect(changed.body.errors[0].code).toBe('idempotency_conflict');
  });
});

describe('log mode with no writer running', () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.app.close()));
  });

  it('answers 202 accepted after the wait, and the status endpoint turns created once a writer runs', async () => {
    const env = {
      TRACKLET_DB: await createDatabase(postgresAdminUrl()),
      TRACKLET_LOG_STREAM: stream(),
      TRACKLET_LOG_WAIT_MS: '300',
    };
    const alone = await collector(env, false);
    const keys = await newAccount(alone);
    const api = client(alone, keys.live);
    const body = { event: 'late', contact_email: 'late@example.com', idempotency_key: 'late-1', data: { n: 1 } };
    const accepted = await api.post('/v1/events', body);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ status: 'accepted', id: expect.any(Number), idempotency_key: 'late-1' });
    expect((await api.get('/v1/events/status?idempotency_key=late-1')).body).toEqual({ status: 'not_found' });
    // The same request again while it waits in the log: still 202, and not a second event.
    expect((await api.post('/v1/events', body)).status).toBe(202);

    const writer = await collector({ ...env, TRACKLET_INSTANCE_ID: '3' }, true);
    await settled(writer);
    expect((await api.get('/v1/events/status?idempotency_key=late-1')).body).toEqual({
      status: 'created',
      event_id: accepted.body.id,
    });
    const replay = await api.post('/v1/events', body);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(accepted.body.id);
    expect((await api.get('/v1/events?event=late')).headers.get('x-total-count')).toBe('1');
    expect((await call(`${writer.url}/readyz`)).status).toBe(200);
  });
});
