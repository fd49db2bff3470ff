import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beacon,
  call,
  client,
  createAccount,
  startCollector,
  tempDir,
  type TestCollector,
} from './support/collector.js';
import { createDatabase, type PostgresServer, startPostgresServer } from './support/postgres.js';
import { eventually, expectUnavailable } from './support/outage.js';

/** PostgreSQL stopped under a running collector, then started again: 503s while down, recovery without a restart. */
describe('a PostgreSQL outage', () => {
  const dir = tempDir();
  // Its own server: stopping it must not disturb the other test files.
  let server: PostgresServer;
  let c: TestCollector;
  let api: ReturnType<typeof client>;
  let publishable: string;
  const post = (i: number) =>
    api.post('/v1/events', { event: 'outage', contact_email: 'outage@example.com', data: { i } });

  beforeAll(async () => {
    server = await startPostgresServer();
    c = await startCollector(`${dir.path}/outage`, { TRACKLET_DB: await createDatabase(server.url()) });
    const { keys } = await createAccount(c);
    api = client(c, keys.live);
    publishable = keys.publishable;
  });
  afterAll(async () => {
    await c?.stop();
    await server?.destroy();
    dir.remove();
  });

  it('answers 503 store_unavailable with Retry-After while the server is down', async () => {
    expect((await post(1)).status).toBe(201);
    await server.stop();
    expectUnavailable(await call(`${c.url}/readyz`));
    expectUnavailable(await post(2));
    expectUnavailable(await api.get('/v1/events'));
    const batch = await api.post('/v1/events/batch', {
      events: [{ event: 'outage', contact_email: 'outage@example.com' }],
    });
    expectUnavailable(batch);
    // Every other write and read too: beacons, contacts, lists, the admin API; nothing is acknowledged.
    expectUnavailable(
      await beacon(c, {
        key: publishable,
        events: [{ id: 'outage-beacon', event: 'outage', anonymous_id: 'anon-outage' }],
      }),
    );
    expectUnavailable(await api.post('/v1/contacts', { email: 'outage-contact@example.com' }));
    expectUnavailable(await api.delete('/v1/contacts/1'));
    expectUnavailable(await api.get('/v1/contacts?email=outage@example.com'));
    expectUnavailable(await api.get('/v1/event-schemas'));
    expectUnavailable(
      await call(`${c.url}/v1/admin/accounts`, {
        method: 'POST',
        json: { name: 'during outage' },
        headers: { authorization: `Bearer ${c.config.adminToken}` },
      }),
    );
    expect((await call(`${c.url}/healthz`)).status).toBe(200);
  });

  it('recovers by itself once the server is back: ready again, writes and reads work, nothing acknowledged is lost', async () => {
    await server.start();
    await eventually(async () => (await call(`${c.url}/readyz`)).status === 200);
    expect((await post(3)).status).toBe(201);
    const answers = await Promise.all([4, 5, 6, 7].map(post));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const listed = await api.get('/v1/events?event=outage');
    expect(listed.status).toBe(200);
    expect(listed.body.map((e: { data: { i: number } }) => e.data.i).sort()).toEqual([1, 3, 4, 5, 6, 7]);
    expect((await api.get('/v1/events/status?idempotency_key=outage-beacon')).body.status).toBe('not_found');
    expect((await api.get('/v1/contacts?email=outage-contact@example.com')).status).toBe(404);
  });
});
