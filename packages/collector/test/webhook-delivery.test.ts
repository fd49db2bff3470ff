import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beacon, beaconTaken, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';
import { type Receiver, startReceiver, until } from './support/webhook-receiver.js';

/** The collector's webhook clock runs `offset` ms ahead of the wall clock: tests move it past retries' waits. */
let offset = 0;
/** How busy the collector tells its worker ingest is (0 to 1): tests make it busy to see deliveries yield. */
let ingestLoad = 0;
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;

describe('webhook deliveries (issue #21)', () => {
  const c = useCollector({
    env: { TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true', TRACKLET_WEBHOOK_POLL_MS: '20', TRACKLET_WEBHOOK_YIELD_AT: '80' },
    build: { webhooks: { clock: () => Date.now() + offset, ingestLoad: () => ingestLoad } },
  });
  let answers: Array<number | 'hang'> = [];
  let receiver: Receiver;
  /** An endpoint to the receiver for `events`; answers come from `answers` (then 200). */
  const endpoint = async (events: string[] = ['*']) => {
    const created = await c.live.post('/v1/webhooks', { url: receiver.url, events });
    expect(created.status).toBe(201);
    return created.body as { id: number; secret: string };
  };
  const deliveries = async (id: number) => (await c.live.get(`/v1/webhooks/${id}/deliveries`)).body;
  const disable = (id: number) => c.live.patch(`/v1/webhooks/${id}`, { enabled: false });

  beforeAll(async () => {
    receiver = await startReceiver(() => answers.shift() ?? 200);
  });
  afterAll(() => receiver.close());

  it('sends a stored event with its contact, signed per Standard Webhooks (verified with the standardwebhooks library)', async () => {
    const hook = await endpoint(['purchase_made']);
    const posted = await c.live.post('/v1/events', {
      event: 'purchase_made',
      contact_email: 'Buyer@Shop.example',
      amount: 12.5,
      data: { sku: 'A1' },
    });
    expect(posted.status).toBe(201);
    await settled(c);
    const got = await until(() => receiver.received.find((r) => JSON.parse(r.body).data?.event?.id === posted.body.id));
    const verified = new Webhook(hook.secret).verify(got.body, got.headers as Record<string, string>) as any;
    expect(verified.type).toBe('purchase_made');
    expect(verified.data.event).toEqual((await c.live.get(`/v1/events/${posted.body.id}`)).body);
    expect(verified.data.contact).toEqual(
      expect.objectContaining({ id: posted.body.contact_id, email: 'Buyer@Shop.example' }),
    );
    expect(got.headers['webhook-id']).toMatch(/^msg_\d+$/);
    // The attempt is recorded in the worker's next round.
    const delivery = await until(() => deliveries(hook.id).then((d) => (d[0]?.status === 'delivered' ? d[0] : null)));
    expect(delivery).toEqual(
      expect.objectContaining({ status: 'delivered', attempts: 1, last_status_code: 200, event_id: posted.body.id }),
    );
    await disable(hook.id);
  });

  it('retries a receiver that fails the first attempts with backoff, then delivers once; a manual retry sends it again', async () => {
    const hook = await endpoint(['flaky']);
    answers = [500, 503];
    expect((await c.live.post('/v1/events', { event: 'flaky', contact_email: 'f@x.example' })).status).toBe(201);
    await settled(c);
    await until(() => receiver.received.length > 0 && deliveries(hook.id).then((d) => d[0]?.attempts === 1));
    const first = (await deliveries(hook.id))[0];
    expect(first).toEqual(expect.objectContaining({ status: 'pending', last_status_code: 500 }));
    const wait = Date.parse(first.next_attempt_at) - (Date.now() + offset);
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThan(6500);
    offset += 7000;
    await until(() => deliveries(hook.id).then((d) => d[0]?.attempts === 2));
    const second = (await deliveries(hook.id))[0];
    expect(Date.parse(second.next_attempt_at) - (Date.now() + offset)).toBeGreaterThan(minutes(3));
    offset += minutes(7);
    const done = await until(() => deliveries(hook.id).then((d) => (d[0]?.status === 'delivered' ? d[0] : null)));
    expect(done).toEqual(expect.objectContaining({ attempts: 3, last_status_code: 200 }));
    expect(done.history.map((a: { attempt: number; status_code: number }) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    const flaky = receiver.received.filter((r) => JSON.parse(r.body).type === 'flaky');
    expect(flaky.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(new Set(flaky.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const retried = await c.live.post(`/v1/webhooks/${hook.id}/deliveries/${done.id}/retry`, {});
    expect(retried.body.status).toBe('pending');
    await until(() => receiver.received.filter((r) => JSON.parse(r.body).type === 'flaky').length === 4);
    await disable(hook.id);
  });

  it('delivers a contact’s events in order: a later one waits while an earlier one is retried', async () => {
    const hook = await endpoint(['step']);
    answers = [500];
    const batch = await c.live.post('/v1/events/batch', {
      events: [1, 2, 3].map((n) => ({ event: 'step', contact_email: 'order@x.example', data: { n } })),
    });
    expect(batch.status).toBe(200);
    await settled(c);
    await until(() => deliveries(hook.id).then((d) => d.some((x: { attempts: number }) => x.attempts === 1)));
    offset += 7000;
    await until(() => deliveries(hook.id).then((d) => d.filter((x: any) => x.status === 'delivered').length === 3));
    const steps = receiver.received.filter((r) => JSON.parse(r.body).type === 'step');
    expect(steps.map((r) => [JSON.parse(r.body).data.event.data.n, r.status])).toEqual([
      [1, 500],
      [1, 200],
      [2, 200],
      [3, 200],
    ]);
    await disable(hook.id);
  });

  it('builds the body when it sends: an event erased with its contact before then is not sent, and the delivery says why', async () => {
    const hook = await endpoint(['erased']);
    answers = [500];
    const posted = await c.live.post('/v1/events', { event: 'erased', contact_email: 'gone@x.example' });
    expect(posted.status).toBe(201);
    await settled(c);
    await until(() => deliveries(hook.id).then((d) => d[0]?.attempts === 1));
    expect((await c.live.delete(`/v1/contacts/${posted.body.contact_id}`)).status).toBe(200);
    offset += 7000;
    const failed = await until(() => deliveries(hook.id).then((d) => (d[0]?.status === 'failed' ? d[0] : null)));
    expect(failed).toEqual(
      expect.objectContaining({ attempts: 2, last_status_code: null, last_error: expect.stringMatching(/deleted/) }),
    );
    // The first attempt went out with the event; nothing after the erasure.
    expect(receiver.received.filter((r) => JSON.parse(r.body).type === 'erased').map((r) => r.status)).toEqual([500]);
    await disable(hook.id);
  });

  it('signs with the old secret beside the new one for 24 h after a rotation, then with the new one only', async () => {
    const hook = await endpoint(['rotated']);
    const rotated = await c.live.post(`/v1/webhooks/${hook.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const send = async (n: number) => {
      expect(
        (await c.live.post('/v1/events', { event: 'rotated', contact_email: 'r@x.example', data: { n } })).status,
      ).toBe(201);
      await settled(c);
      return until(() =>
        receiver.received.find((r) => r.body.includes('"rotated"') && JSON.parse(r.body).data.event.data.n === n),
      );
    };
    const during = await send(1);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [hook.secret, rotated.body.secret])
      expect(() => new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).not.toThrow();
    offset += hours(25);
    const after = await send(2);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(rotated.body.secret).verify(after.body, after.headers as Record<string, string>),
    ).not.toThrow();
    expect(() => new Webhook(hook.secret).verify(after.body, after.headers as Record<string, string>)).toThrow();
    await disable(hook.id);
  });

  it('sends contact.merged when a login merges a visitor into a known contact', async () => {
    const hook = await endpoint(['contact.merged']);
    const known = await c.live.post('/v1/events', { event: 'signup', contact_email: 'known@merge.example' });
    const visit = await beacon(c, {
      key: c.keys.publishable,
      events: [{ id: 'm-1', event: 'page_view', anonymous_id: 'merge-visitor', url: 'https://shop.example/' }],
    });
    expect(visit.body.results[0].status).toBe(beaconTaken);
    await settled(c);
    const login = await beacon(c, {
      key: c.keys.publishable,
      events: [{ id: 'm-2', event: 'login', anonymous_id: 'merge-visitor', user: { email: 'known@merge.example' } }],
    });
    expect(login.body.results[0].status).toBe(beaconTaken);
    await settled(c);
    const merged = await until(() => receiver.received.find((r) => JSON.parse(r.body).type === 'contact.merged'));
    const body = new Webhook(hook.secret).verify(merged.body, merged.headers as Record<string, string>) as any;
    expect(body.data.contact).toEqual(
      expect.objectContaining({ id: known.body.contact_id, email: 'known@merge.example' }),
    );
    expect(body.data.merged_contact_id).toEqual(expect.any(Number));
    expect(body.data.merged_contact_id).not.toBe(known.body.contact_id);
    await disable(hook.id);
  });

  it('queues nothing for a discarded event (a repeated order id)', async () => {
    const hook = await endpoint(['confirmation']);
    const order = { event: 'confirmation', contact_email: 'o@x.example', data: { order_id: 'o-1' } };
    expect((await c.live.post('/v1/events', order)).status).toBe(201);
    expect((await c.live.post('/v1/events', order)).body.status).toBe('discarded');
    await settled(c);
    await until(() => deliveries(hook.id).then((d) => d[0]?.status === 'delivered'));
    expect(await deliveries(hook.id)).toHaveLength(1);
    await disable(hook.id);
  });

  it('disables an endpoint after 3 days of failed deliveries, and says why', async () => {
    const hook = await endpoint(['doomed']);
    answers = Array.from({ length: 10 }, () => 500);
    expect((await c.live.post('/v1/events', { event: 'doomed', contact_email: 'd@x.example' })).status).toBe(201);
    await settled(c);
    await until(() => deliveries(hook.id).then((d) => d[0]?.attempts === 1));
    expect((await c.live.get(`/v1/webhooks/${hook.id}`)).body.enabled).toBe(true);
    offset += hours(73);
    const disabled = await until(async () => {
      const e = (await c.live.get(`/v1/webhooks/${hook.id}`)).body;
      return e.enabled ? undefined : e;
    });
    expect(disabled.disabled_reason).toMatch(/3 days of failed deliveries.*answered 500/);
    answers = [];
  });

  it('yields to busy ingest: a few deliveries a second go on, the rest wait in the outbox until ingest calms down', async () => {
    const hook = await endpoint(['burst']);
    ingestLoad = 1;
    try {
      const sent = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          c.live.post('/v1/events', { event: 'burst', contact_email: `b${i}@x.example` }),
        ),
      );
      expect(sent.every((r) => r.status === 201)).toBe(true);
      await settled(c);
      const burst = () => receiver.received.filter((r) => JSON.parse(r.body).type === 'burst').length;
      await until(() => burst() > 0);
      // Busy: one claim in 250 ms, of one delivery per request slot (4 by default), so within 600 ms at most 3 claims.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(burst()).toBeGreaterThan(0);
      expect(burst()).toBeLessThanOrEqual(12);
      ingestLoad = 0;
      await until(() => burst() === 40);
    } finally {
      ingestLoad = 0;
    }
    await disable(hook.id);
  });
});
