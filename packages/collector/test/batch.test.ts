import { describe, expect, it } from 'vitest';
import { client, createAccount } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

interface Result {
  index: number;
  status: string;
  id?: number;
  reason?: string;
  errors?: Array<{ code: string; path?: string }>;
}

describe('POST /v1/events/batch', () => {
  const c = useCollector({ account: { name: 'batch' } });
  const live = c.live;
  const ev = (extra: Record<string, unknown> = {}) => ({
    event: 'batched',
    contact_email: 'batch@example.com',
    ...extra,
  });
  const batch = (events: unknown[]) => live.post('/v1/events/batch', { events });
  const total = async (query = '') =>
    Number((await live.get(`/v1/events?limit=1${query}`)).headers.get('x-total-count'));

  it('answers 200 with one result per event, in order, each created with its id', async () => {
    const answer = await batch([
      ev({ data: { n: 0 } }),
      ev({ data: { n: 1 } }),
      ev({ event: 'other_batched', data: { n: 2 } }),
    ]);
    expect(answer.status).toBe(200);
    const results = answer.body.results as Result[];
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'created'],
      [2, 'created'],
    ]);
    for (const [i, r] of results.entries()) {
      const stored = await live.get(`/v1/events/${r.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.data).toEqual({ n: i });
    }
    expect(new Set(results.map((r) => r.id)).size).toBe(3);
  });

  it('rejects one bad item with its errors and never rejects the others', async () => {
    const before = await total();
    const answer = await batch([
      ev({ data: { s: 'a' } }),
      ev({ event: 'Bad-Name' }),
      ev({ data: { s: 'c' } }),
      ev({ colour: 'red' }),
      { event: 'batched' },
    ]);
    expect(answer.status).toBe(200);
    const results = answer.body.results as Result[];
    expect(results.map((r) => r.status)).toEqual(['created', 'rejected', 'created', 'rejected', 'rejected']);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(results[1]!.id).toBeUndefined();
    expect(results[1]!.errors).toContainEqual(
      expect.objectContaining({ code: 'invalid_event_name', message: expect.any(String) }),
    );
    expect(results[3]!.errors).toContainEqual(expect.objectContaining({ code: 'unknown_field' }));
    expect(results[4]!.errors).toContainEqual(expect.objectContaining({ code: 'contact_required' }));
    expect(await total()).toBe(before + 2);
    expect((await live.get(`/v1/events/${results[2]!.id}`)).body.data).toEqual({ s: 'c' });
  });

  it('rejects an item that is not an object without touching the others', async () => {
    const answer = await batch(['nope', 42, null, [ev()], ev()]);
    expect(answer.status).toBe(200);
    expect((answer.body.results as Result[]).map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'created',
    ]);
  });

  it('rejects an item whose contact_id does not exist with contact_not_found', async () => {
    const answer = await batch([ev(), { event: 'batched', contact_id: 987654321 }]);
    const results = answer.body.results as Result[];
    expect(results.map((r) => r.status)).toEqual(['created', 'rejected']);
    expect(results[1]!.errors).toContainEqual(expect.objectContaining({ code: 'contact_not_found' }));
  });

  it('accepts 500 events', async () => {
    const before = await total('&event=bulk');
    const answer = await batch(Array.from({ length: 500 }, (_, i) => ev({ event: 'bulk', data: { i } })));
    expect(answer.status).toBe(200);
    expect(answer.body.results).toHaveLength(500);
    expect((answer.body.results as Result[]).every((r, i) => r.index === i && r.status === 'created')).toBe(true);
    expect(await total('&event=bulk')).toBe(before + 500);
  });

  it('answers 400 to more than 500 events and stores none of them', async () => {
    const before = await total();
    expectError(await batch(Array.from({ length: 501 }, () => ev({ event: 'too_many' }))), 400, null, 'events');
    expect(await total()).toBe(before);
  });

  it('answers 400 to an empty events list or a body without events', async () => {
    expectError(await batch([]), 400, null, 'events');
    expectError(await live.post('/v1/events/batch', {}), 400, 'missing_field', 'events');
    expectError(await live.post('/v1/events/batch', { events: [ev()], extra: 1 }), 400, 'unknown_field', 'extra');
  });

  it('answers 413 payload_too_large to a batch body over 1 MB and stores nothing', async () => {
    const before = await total();
    const data = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`s${i}`, 'x'.repeat(2000)]));
    const events = Array.from({ length: 40 }, () => ev({ event: 'huge', data }));
    expect(Buffer.byteLength(JSON.stringify({ events }))).toBeGreaterThan(1024 * 1024);
    expectError(await batch(events), 413, 'payload_too_large');
    expect(await total()).toBe(before);
  });

  it('accepts a batch body just under 1 MB', async () => {
    const data = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`s${i}`, 'x'.repeat(2000)]));
    const events = Array.from({ length: 36 }, () => ev({ event: 'huge', data }));
    expect(Buffer.byteLength(JSON.stringify({ events }))).toBeLessThan(1024 * 1024);
    const answer = await batch(events);
    expect(answer.status).toBe(200);
    expect((answer.body.results as Result[]).every((r) => r.status === 'created')).toBe(true);
  });

  describe('idempotency keys', () => {
    it('answers duplicate with the same id for a key repeated inside one batch, and stores it once', async () => {
      const item = ev({ event: 'idem', idempotency_key: 'in-batch-1', data: { v: 1 } });
      const answer = await batch([item, ev({ event: 'idem_other' }), item]);
      const results = answer.body.results as Result[];
      expect(results.map((r) => r.status)).toEqual(['created', 'created', 'duplicate']);
      expect(results[2]!.id).toBe(results[0]!.id);
      expect(await total('&event=idem')).toBe(1);
    });

    it('answers duplicate with the same id for a key repeated across batches', async () => {
      const item = ev({ event: 'idem', idempotency_key: 'across-1', data: { v: 2 } });
      const first = (await batch([item])).body.results as Result[];
      const second = (await batch([ev({ event: 'idem_other' }), item])).body.results as Result[];
      expect(first[0]!.status).toBe('created');
      expect(second[1]).toMatchObject({ index: 1, status: 'duplicate', id: first[0]!.id });
      expect((await live.get('/v1/events/status?idempotency_key=across-1')).body).toEqual({
        status: 'created',
        event_id: first[0]!.id,
      });
    });

    it('answers duplicate in a batch for a key first used by POST /v1/events', async () => {
      const item = ev({ event: 'idem', idempotency_key: 'single-then-batch', data: { v: 3 } });
      const single = await live.post('/v1/events', item);
      expect(single.status).toBe(201);
      const results = (await batch([item])).body.results as Result[];
      expect(results[0]).toMatchObject({ status: 'duplicate', id: single.body.id });
    });

    it('rejects the same key with a different body with idempotency_conflict, in one batch and across batches', async () => {
      const first = ev({ event: 'idem', idempotency_key: 'conflict-1', data: { v: 1 } });
      const changed = ev({ event: 'idem', idempotency_key: 'conflict-1', data: { v: 999 } });
      const inOne = (await batch([first, changed])).body.results as Result[];
      expect(inOne[0]!.status).toBe('created');
      expect(inOne[1]!.status).toBe('rejected');
      expect(inOne[1]!.errors).toContainEqual(expect.objectContaining({ code: 'idempotency_conflict' }));
      const across = (await batch([changed])).body.results as Result[];
      expect(across[0]!.status).toBe('rejected');
      expect(across[0]!.errors).toContainEqual(expect.objectContaining({ code: 'idempotency_conflict' }));
      expect((await live.get(`/v1/events/${inOne[0]!.id}`)).body.data).toEqual({ v: 1 });
    });
  });

  describe('confirmations', () => {
    it('discards a duplicate confirmation order in a batch with reason duplicate_order and keeps the first', async () => {
      const order = (total: number) => ev({ event: 'confirmation', data: { order_id: 'ord-1', total } });
      const answer = await batch([order(10), order(20), ev({ event: 'confirmation', data: { order_id: 'ord-2' } })]);
      const results = answer.body.results as Result[];
      expect(results[0]).toMatchObject({ index: 0, status: 'created', id: expect.any(Number) });
      expect(results[1]).toMatchObject({ index: 1, status: 'discarded', reason: 'duplicate_order' });
      expect(results[1]!.id).toBeUndefined();
      expect(results[2]).toMatchObject({ index: 2, status: 'created' });
      const stored = await live.get('/v1/events?event=confirmation');
      expect(stored.body.map((e: { data: { order_id: string } }) => e.data.order_id).sort()).toEqual([
        'ord-1',
        'ord-2',
      ]);
      expect((await live.get(`/v1/events/${results[0]!.id}`)).body.data).toEqual({ order_id: 'ord-1', total: 10 });
    });

    it('discards a confirmation whose order was stored by an earlier batch', async () => {
      const first = (await batch([ev({ event: 'confirmation', data: { order_id: 'ord-42' } })])).body
        .results as Result[];
      expect(first[0]!.status).toBe('created');
      const again = (await batch([ev({ event: 'confirmation', data: { order_id: 'ord-42', total: 1 } })])).body
        .results as Result[];
      expect(again[0]).toMatchObject({ index: 0, status: 'discarded', reason: 'duplicate_order' });
      const single = await live.post('/v1/events', ev({ event: 'confirmation', data: { order_id: 'ord-42' } }));
      expect(single.status).toBe(200);
      expect(single.body).toMatchObject({ status: 'discarded', reason: 'duplicate_order' });
      expect(await total('&event=confirmation')).toBe(3);
    });

    it('rejects a confirmation without order_id with order_id_required', async () => {
      const results = (await batch([ev({ event: 'confirmation', data: {} })])).body.results as Result[];
      expect(results[0]!.status).toBe('rejected');
      expect(results[0]!.errors).toContainEqual(expect.objectContaining({ code: 'order_id_required' }));
    });
  });

  it('answers 401 and 403 for the batch as a whole', async () => {
    const anonymous = await fetch(`${c.url}/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [ev()] }),
    });
    expect(anonymous.status).toBe(401);
    const account = await createAccount(c);
    expectError(
      await client(c, account.keys.publishable).post('/v1/events/batch', { events: [ev()] }),
      403,
      'insufficient_scope',
    );
  });
});
