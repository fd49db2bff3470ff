import { readdirSync, readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, spawnCollectorProcess } from './support/collector-process.js';
import { call, client, tempDir, testDb } from './support/collector.js';
import { type Receiver, startReceiver, until } from './support/webhook-receiver.js';

/** The nice values of a process's threads (Linux: /proc/<pid>/task/<tid>/stat, field 19). */
function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/**
 * Issue #21: the built collector delivers on a worker thread of its own (TRACKLET_WEBHOOK_THREAD, the default) at a
 * lower scheduling priority, its SQLite claims and completions going through the collector's one writer; and a
 * queued delivery wakes the worker, so it leaves at once rather than after the idle poll.
 */
describe.each<{ worker: string; env: Record<string, string> }>([
  { worker: 'on its thread', env: {} },
  { worker: 'on the event loop', env: { TRACKLET_WEBHOOK_THREAD: 'false' } },
])('webhooks delivered by the built collector, the worker $worker', ({ env }) => {
  const dir = tempDir();
  let receiver: Receiver;
  let collector: CollectorProcess;
  let live: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    collector = await spawnCollectorProcess({
      TRACKLET_DB: await testDb(`${dir.path}/t.db`),
      TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true',
      // An idle worker would look again only after a minute: a prompt delivery proves the wake.
      TRACKLET_WEBHOOK_POLL_MS: '60000',
      ...env,
    });
    const account = await call(`${collector.url}/v1/admin/accounts`, {
      method: 'POST',
      json: { name: 'thread' },
      headers: { authorization: 'Bearer test-admin-token' },
    });
    live = account.body.keys.live as string;
  });
  afterAll(async () => {
    await collector.stop();
    await receiver.close();
    dir.remove();
  });

  it('delivers a stored event within 2 s of its commit although the idle poll is a minute, signed, and counts it in /metrics', async () => {
    const api = client(collector, live);
    const hook = await api.post('/v1/webhooks', { url: receiver.url, events: ['*'] });
    expect(hook.status).toBe(201);
    // Past the worker's first round (at start), so it is waiting out its minute.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const posted = await api.post('/v1/events', { event: 'woke', contact_email: 'wake@thread.example' });
    expect(posted.status).toBe(201);
    // From the answer, which comes after the commit; 2 s leaves room for a loaded test machine, a minute does not.
    const committed = Date.now();
    const got = await until(
      () => receiver.received.find((r) => JSON.parse(r.body).data?.event?.id === posted.body.id),
      5_000,
      'the delivery',
    );
    expect(Date.now() - committed).toBeLessThan(2_000);
    const verified = new Webhook(hook.body.secret).verify(got.body, got.headers as Record<string, string>) as any;
    expect(verified.data.event).toEqual((await api.get(`/v1/events/${posted.body.id}`)).body);
    // The attempt is recorded (through the collector's writer on SQLite) and counted in the collector's metrics.
    await until(
      async () => (await api.get(`/v1/webhooks/${hook.body.id}/deliveries`)).body[0]?.status === 'delivered',
      5_000,
      'the delivery recorded',
    );
    await until(
      async () =>
        /tracklet_webhook_deliveries_total\{outcome="delivered"\} 1\b/.test(
          await (await fetch(`${collector.url}/metrics`)).text(),
        ),
      5_000,
      'the outcome in /metrics',
    );
  });

  it.runIf(process.platform === 'linux')(
    'runs the delivery thread at nice 10 (TRACKLET_WEBHOOK_NICE), the rest of the collector at its own priority',
    () => {
      const nice = threadNiceValues(collector.child.pid as number);
      expect(nice[0]).toBe(0);
      if (env.TRACKLET_WEBHOOK_THREAD === 'false') expect(nice).not.toContain(10);
      else expect(nice.filter((n) => n === 10)).toHaveLength(1);
    },
  );
});
