import { describe, expect, it } from 'vitest';
import { beacon, call, client, createAccount, settled, testLog } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

describe('confirmation and email_open', () => {
  const c = useCollector();
  const api = c.live;

  it('discards a second confirmation with the same order_id and keeps the first', async () => {
    const first = await api.post('/v1/events', {
      event: 'confirmation',
      contact_email: 'o@example.com',
      amount: 20,
      data: { order_id: 'A-1' },
    });
    expect(first.status).toBe(201);
    const second = await api.post('/v1/events', {
      event: 'confirmation',
      contact_email: 'other@example.com',
      amount: 99,
      data: { order_id: 'A-1' },
    });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      status: 'discarded',
      reason: 'duplicate_order',
      event: 'confirmation',
      order_id: 'A-1',
    });
    const stored = (await api.get('/v1/events?event=confirmation')).body;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: first.body.id, amount: 20 });
  });

  it('treats order ids 42 and "42" as the same order, and orders of other accounts as different', async () => {
    const shop = client(c, (await createAccount(c)).keys.live);
    expect(
      (await shop.post('/v1/events', { event: 'confirmation', contact_email: 'o@example.com', data: { order_id: 42 } }))
        .status,
    ).toBe(201);
    const again = await shop.post('/v1/events', {
      event: 'confirmation',
      contact_email: 'o@example.com',
      data: { order_id: '42' },
    });
    expect(again.body.reason).toBe('duplicate_order');
    const elsewhere = await client(c, (await createAccount(c)).keys.live).post('/v1/events', {
      event: 'confirmation',
      contact_email: 'o@example.com',
      data: { order_id: 42 },
    });
    expect(elsewhere.status).toBe(201);
  });

  it('answers a duplicate order inside a beacon as a discarded result', async () => {
    const events = ['b1', 'b2'].map((id) => ({
      id,
      event: 'confirmation',
      anonymous_id: 'anon-o',
      data: { order_id: 'B-7' },
    }));
    const answer = await beacon(c, { key: c.keys.publishable, events });
    if (testLog) {
      // Log mode answers a beacon once the log has it; the writer then discards the second confirmation.
      expect(answer.body.results).toEqual(
        [0, 1].map((index) => ({ index, status: 'accepted', id: expect.any(Number) })),
      );
      await settled(c);
      expect((await api.get('/v1/events/status?idempotency_key=b1')).body.status).toBe('created');
      expect((await api.get('/v1/events/status?idempotency_key=b2')).body.status).toBe('not_found');
    } else {
      expect(answer.body.results).toEqual([
        { index: 0, status: 'created', id: expect.any(Number) },
        { index: 1, status: 'discarded', reason: 'duplicate_order' },
      ]);
    }
  });

  it('keeps at most one email_open per contact per 20 minutes of receive time', async () => {
    const open = () =>
      api.post('/v1/events', { event: 'email_open', contact_email: 'reader@example.com', data: { campaign: 'nov' } });
    expect((await open()).status).toBe(201);
    const second = await open();
    expect(second.body).toEqual({ status: 'discarded', reason: 'throttled', event: 'email_open' });
    const otherReader = await api.post('/v1/events', { event: 'email_open', contact_email: 'reader2@example.com' });
    expect(otherReader.status).toBe(201);
    const stored = (await api.get('/v1/events?event=email_open')).body;
    expect(stored).toHaveLength(2);
  });

  it('counts discarded events by reason in /metrics', async () => {
    const metrics = (await call(`${c.url}/metrics`)).body as string;
    expect(metrics).toMatch(/tracklet_events_discarded_total\{reason="duplicate_order"\} 3\n/);
    expect(metrics).toMatch(/tracklet_events_discarded_total\{reason="throttled"\} 1/);
  });
});
