import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, spawnCollectorProcess } from './support/collector-process.js';
import { call, client, tempDir, testDb } from './support/collector.js';
import { prng } from './support/chaos.js';
import { type Receiver, startReceiver, until } from './support/webhook-receiver.js';

const cycles = 4;

/**
 * Issue #21: the outbox row is written in the event's transaction and a killed worker's leases expire, so SIGKILL
 * at any moment (mid-ingest, mid-delivery) loses no webhook: after several kill and restart cycles, every stored
 * event's webhook has arrived at least once.
 */
describe('webhooks survive kill -9 of the collector', () => {
  const dir = tempDir();
  let receiver: Receiver;
  let db: string;
  beforeAll(async () => {
    const random = prng(21);
    receiver = await startReceiver(
      () => 200,
      () => Math.floor(random() * 40),
    );
    db = await testDb(`${dir.path}/t.db`);
  });
  afterAll(async () => {
    await receiver.close();
    dir.remove();
  });

  const spawn = () =>
    spawnCollectorProcess(
      {
        TRACKLET_DB: db,
        TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true',
        TRACKLET_WEBHOOK_POLL_MS: '20',
        TRACKLET_RATE_LIMIT_API: '0',
        // Delivery on its own thread and connection (the production choice for a busy collector).
        TRACKLET_WEBHOOK_THREAD: 'true',
        // Leases are 18 timeouts long: a killed worker's deliveries are sent again 7.2 s later (the receiver answers
        // within 40 ms). Each restart waits for them, so this sets most of the test's time.
        TRACKLET_WEBHOOK_TIMEOUT_MS: '400',
      },
      { quiet: true },
    );

  let collector: CollectorProcess | null = null;
  afterAll(() => collector?.stop());

  it(`delivers every stored event's webhook at least once over ${cycles} SIGKILL cycles`, async () => {
    collector = await spawn();
    const account = await call(`${collector.url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'kill' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    const live = account.body.keys.live as string;
    const hook = await client(collector, live).post('/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(hook.status).toBe(201);
    let sent = 0;
    for (let cycle = 0; cycle < cycles; cycle++) {
      const running: CollectorProcess = collector;
      const api = client(running, live);
      let alive = true;
      // At most 150 events a cycle: SQLite ingests far faster than one endpoint takes deliveries, and thousands queued
      // would make the test time the backlog, not the recovery.
      const cap = sent + 150;
      const senders = Array.from({ length: 4 }, async (_, worker) => {
        while (alive && sent < cap) {
          sent += 1;
          await api
            .post('/v1/events', {
              event: 'killed',
              contact_email: `w${worker}-${sent % 7}@kill.example`,
              data: { n: sent },
            })
            .catch(() => null);
        }
      });
      // Kill once deliveries are flowing: some are in flight, some queued, some not recorded as delivered yet.
      // After a restart a contact's new deliveries wait behind the ones the killed worker had leased (7.2 s leases: 18 timeouts).
      const before = receiver.received.length;
      await until(() => receiver.received.length >= before + 20, 30_000, `deliveries to flow in cycle ${cycle + 1}`);
      const exited = new Promise((resolve) => running.child.once('exit', resolve));
      running.child.kill('SIGKILL');
      await exited;
      alive = false;
      await Promise.all(senders);
      collector = await spawn();
    }
    const last: CollectorProcess = collector;
    const stored: number[] = [];
    for (let afterId: number | null = null; ;) {
      const page: Array<{ id: number }> = (
        await client(last, live).get(`/v1/events?limit=100${afterId === null ? '' : `&after_id=${afterId}`}`)
      ).body;
      if (page.length === 0) break;
      stored.push(...page.map((e) => e.id));
      afterId = page[page.length - 1]?.id ?? null;
    }
    // Each cycle ran until 20 more deliveries had arrived (some of them repeats after a kill).
    expect(stored.length).toBeGreaterThan(cycles * 10);
    const arrived = () =>
      new Set(receiver.delivered().map((b: { data: { event: { id: number } } }) => b.data.event.id));
    await until(() => stored.every((id) => arrived().has(id)), 60_000, 'every stored event to arrive').catch(() => {
      throw new Error(
        `never arrived: ${stored
          .filter((id) => !arrived().has(id))
          .slice(0, 20)
          .join(', ')}`,
      );
    });
    const extra = receiver.delivered().length - stored.length;
    process.stderr.write(`webhooks kill -9: ${stored.length} events stored, all delivered, ${extra} delivered twice\n`);
  }, 180_000);
});
