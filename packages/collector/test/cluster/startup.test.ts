import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { beacon, client, postgresAdminUrl } from '../support/collector.js';
import { settled } from '../support/log-mode.js';
import { type NatsCluster, startNatsCluster } from '../support/nats-cluster.js';
import { createDatabase } from '../support/postgres.js';

/**
 * Issue #8 (found by issue #6's CI): JetStream answers nothing while its nodes have no leader — a cluster still
 * forming, or electing again after a node was lost. A collector or writer starting then waits for it, instead of
 * failing its start.
 */
describe('starting on an event log that has no leader yet', () => {
  let nats: NatsCluster;
  beforeAll(async () => {
    nats = await startNatsCluster({ nodes: 3, name: 'startup' });
  }, 60_000);
  afterAll(async () => {
    await nats?.stop();
  });

  it('waits until JetStream answers, then stores what it accepts', async () => {
    // One node of three: no quorum, so no JetStream leader.
    await nats.stopNode(1);
    await nats.stopNode(2);
    const config = loadConfig({
      TRACKLET_ADMIN_TOKEN: 'test-admin-token',
      TRACKLET_LOG_LEVEL: 'warn',
      TRACKLET_LOG: nats.urls[0] as string,
      TRACKLET_LOG_STREAM: `startup_${Date.now().toString(36)}`,
      TRACKLET_LOG_REPLICAS: '3',
      TRACKLET_DB: await createDatabase(postgresAdminUrl()),
    });
    let started = false;
    const starting = buildApp(config, { logger: false, logWriter: true }).then((app) => {
      started = true;
      return app;
    });
    starting.catch(() => {});
    // A window, not a wait: what is checked is that nothing happens in it (longer than one JetStream request may wait
    // for its answer, 5 s), so no condition could end it sooner.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    expect(started, 'started without a JetStream leader').toBe(false);
    await Promise.all([nats.startNode(1), nats.startNode(2)]);
    const app = await starting;
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const keys = (await client({ url }, 'test-admin-token').post('/v1/admin/accounts', { name: 'startup' })).body
        .keys;
      const sent = await beacon(
        { url },
        { key: keys.publishable, events: [{ id: 'startup-1', event: 'page_view', anonymous_id: 'a1' }] },
      );
      expect(sent.body.results[0].status).toBe('accepted');
      await settled({ config });
      const stored = await client({ url }, keys.live).get('/v1/events?limit=5');
      expect((stored.body as Array<{ event: string }>).map((e) => e.event)).toEqual(['page_view']);
    } finally {
      await app.close();
    }
  }, 90_000);
});
