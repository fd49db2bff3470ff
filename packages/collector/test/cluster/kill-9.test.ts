import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, beacon, call, client, postgresAdminUrl } from '../support/collector.js';
import { settledStream } from '../support/log-mode.js';
import { type NatsCluster, startNatsCluster } from '../support/nats-cluster.js';
import { createDatabase } from '../support/postgres.js';
import { type ScaleOut, startScaleOut } from '../support/scale-out.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The index of the node that leads the stream's replicas (server names end in `-n<index>`). */
async function streamLeader(nats: NatsCluster, stream: string): Promise<number> {
  const nc = await connect({ servers: nats.urls });
  try {
    const leader = (await (await jetstreamManager(nc)).streams.info(stream)).cluster?.leader ?? '';
    return Number(/-n(\d+)$/.exec(leader)?.[1] ?? 0);
  } finally {
    await nc.close();
  }
}

/** What the clients were told: keyed events by key, key-less ones by their marker, each with the id answered. */
interface Acknowledged {
  keyed: Map<string, number | undefined>;
  keyless: Map<string, number | undefined>;
}

/**
 * Issue #8: under load through two collectors, kill -9 one writer in the middle of its batches, then kill -9 one of
 * the three NATS nodes, and keep sending. Every event acknowledged with a 2xx (201, 200, 202, or a beacon's
 * `accepted`/`duplicate`) is stored exactly once with the id it was acknowledged with; key-less events too (their
 * redelivery is caught by their preassigned id); and the cluster keeps acknowledging with one node down.
 */
describe('scale-out: kill -9 of a writer and of a NATS node under load', () => {
  let nats: NatsCluster;
  let db: string;
  let scale: ScaleOut;
  let keys: { live: string; publishable: string };

  beforeAll(async () => {
    nats = await startNatsCluster({ nodes: 3, name: 'kill9' });
    db = await createDatabase(postgresAdminUrl());
    scale = await startScaleOut({
      log: nats.url,
      db,
      env: {
        TRACKLET_LOG_REPLICAS: '3',
        TRACKLET_LOG_WAIT_MS: '2000',
        TRACKLET_WRITER_ACK_WAIT_MS: '2000',
        TRACKLET_LOG_BATCH: '50',
        TRACKLET_RATE_LIMIT_API: '0',
        TRACKLET_RATE_LIMIT_BEACONS: '0',
      },
    });
    const account = await call(`${scale.collectors[0]!.url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'kill-9' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    keys = account.body.keys;
  }, 60_000);
  afterAll(async () => {
    await scale?.stop();
    await nats?.stop();
  });

  it('loses and doubles nothing acknowledged, and keeps accepting with one node down', async () => {
    const acked: Acknowledged = { keyed: new Map(), keyless: new Map() };
    let ackedAfterNodeLoss = 0;
    let nodeDown = false;
    let running = true;
    let n = 0;
    const ok = (a: Answer) => a.status >= 200 && a.status < 300;
    const one = async (worker: number) => {
      const i = n++;
      const url = scale.collectors[i % 2]!.url;
      const kind = i % 3;
      let answer: Answer;
      try {
        if (kind === 0) {
          answer = await client({ url }, keys.live).post('/v1/events', {
            event: 'keyed',
            contact_email: `w${worker}@example.com`,
            idempotency_key: `k-${i}`,
          });
          if (ok(answer)) acked.keyed.set(`k-${i}`, answer.body.id);
        } else if (kind === 1) {
          answer = await client({ url }, keys.live).post('/v1/events', {
            event: 'keyless',
            contact_email: `w${worker}@example.com`,
            data: { marker: `m-${i}` },
          });
          if (ok(answer)) acked.keyless.set(`m-${i}`, answer.body.id);
        } else {
          const ids = Array.from({ length: 10 }, (_, j) => `b-${i}-${j}`);
          answer = await beacon(
            { url },
            {
              key: keys.publishable,
              events: ids.map((id) => ({ id, event: 'page_view', anonymous_id: `anon-${worker}` })),
            },
          );
          if (ok(answer)) ids.forEach((id, j) => acked.keyed.set(id, answer.body.results[j].id));
        }
      } catch {
        return; // a connection cut: not acknowledged
      }
      if (ok(answer) && nodeDown) ackedAfterNodeLoss++;
    };
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        while (running) await one(worker);
      }),
    );

    // Mid-batch: the writer holds delivered messages it has not acked (they go to the other writer after the ack wait).
    const gauge = async (writer: number, name: string) =>
      Number(
        new RegExp(`^tracklet_writer_messages_${name} (\\d+)`, 'm').exec(
          (await call(`${scale.writers[writer]!.url}/metrics`)).body,
        )?.[1] ?? 0,
      );
    const held = () => gauge(0, 'held');
    let heldAtKill = 0;
    for (const until = Date.now() + 10_000; heldAtKill === 0 && Date.now() < until;) heldAtKill = await held();
    await scale.writers[0]!.kill();
    expect(heldAtKill, 'messages the killed writer held').toBeGreaterThan(0);
    // The survivor takes the load over: it writes more before the node goes too.
    const writtenAtKill = await gauge(1, 'written');
    for (const until = Date.now() + 10_000; (await gauge(1, 'written')) <= writtenAtKill && Date.now() < until;)
      await sleep(50);
    // The worst node to lose: the stream's leader (publishes wait for the survivors to elect another, a few seconds).
    const leader = await streamLeader(nats, scale.env.TRACKLET_LOG_STREAM as string);
    await nats.stopNode(leader);
    nodeDown = true;
    const deadline = Date.now() + 30_000;
    while (ackedAfterNodeLoss < 50 && Date.now() < deadline) await sleep(100);
    running = false;
    await load;

    expect(ackedAfterNodeLoss, 'acknowledged after the node was killed').toBeGreaterThanOrEqual(50);
    await settledStream(
      nats.urls.filter((_, i) => i !== leader),
      scale.env.TRACKLET_LOG_STREAM as string,
      60_000,
    );
    const redelivered = await gauge(1, 'redelivered');
    console.log(
      `kill -9 under load: ${acked.keyed.size + acked.keyless.size} acknowledged, ${heldAtKill} held by the killed writer, ` +
        `${redelivered} redelivered to the other, ${ackedAfterNodeLoss} acknowledged after the node loss`,
    );
    expect(redelivered, 'messages the other writer got again').toBeGreaterThan(0);

    const pgClient = new pg.Client({ connectionString: db });
    await pgClient.connect();
    const rows = (
      await pgClient.query<{ id: string; key: string | null; marker: string | null }>(
        "SELECT id, idempotency_key AS key, data->>'marker' AS marker FROM events",
      )
    ).rows;
    await pgClient.end();
    const byKey = new Map<string, number[]>();
    const byMarker = new Map<string, number[]>();
    for (const row of rows) {
      if (row.key) byKey.set(row.key, [...(byKey.get(row.key) ?? []), Number(row.id)]);
      if (row.marker) byMarker.set(row.marker, [...(byMarker.get(row.marker) ?? []), Number(row.id)]);
    }
    // Nothing is stored twice, acknowledged or not.
    expect([...byKey].filter(([, ids]) => ids.length > 1)).toEqual([]);
    expect([...byMarker].filter(([, ids]) => ids.length > 1)).toEqual([]);
    // Everything acknowledged is stored, with the id its answer carried.
    for (const [key, id] of acked.keyed) expect(byKey.get(key), key).toEqual([id ?? byKey.get(key)?.[0]]);
    for (const [marker, id] of acked.keyless) expect(byMarker.get(marker), marker).toEqual([id]);
    expect(acked.keyed.size + acked.keyless.size).toBeGreaterThan(100);
  }, 120_000);
});
