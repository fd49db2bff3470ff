import { describe, expect, it } from 'vitest';
import { useCollector } from './support/use-collector.js';

describe('idempotency keys', () => {
  const api = useCollector().live;
  const body = (key: string, extra: Record<string, unknown> = {}) => ({
    event: 'signup',
    contact_email: 'i@example.com',
    idempotency_key: key,
    data: { plan: 'pro' },
    ...extra,
  });

  it('replays the stored event with 200 and Idempotent-Replayed for the same key and body', async () => {
    const first = await api.post('/v1/events', body('k-replay'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await api.post('/v1/events', body('k-replay'));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await api.get('/v1/events?event=signup')).headers.get('x-total-count')).toBe('1');
  });

  it('treats the same body with keys in another order as the same request', async () => {
    await api.post('/v1/events', {
      idempotency_key: 'k-order',
      event: 'signup',
      data: { a: 1, b: 2 },
      contact_email: 'o@example.com',
    });
    const again = await api.post('/v1/events', {
      contact_email: 'o@example.com',
      data: { b: 2, a: 1 },
      event: 'signup',
      idempotency_key: 'k-order',
    });
    expect(again.status).toBe(200);
  });

  it('answers 409 idempotency_conflict when the key comes back with a different body', async () => {
    await api.post('/v1/events', body('k-conflict'));
    const conflict = await api.post('/v1/events', body('k-conflict', { data: { plan: 'free' } }));
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors[0]).toMatchObject({ code: 'idempotency_conflict', path: 'idempotency_key' });
  });

  it('takes the key from the Idempotency-Key header, and the header matches a body key with the same value', async () => {
    const { idempotency_key: _k, ...plain } = body('unused');
    const first = await api.post('/v1/events', plain, { 'idempotency-key': 'k-header' });
    expect(first.status).toBe(201);
    expect(first.body.idempotency_key).toBe('k-header');
    const again = await api.post(
      '/v1/events',
      { ...plain, idempotency_key: 'k-header' },
      { 'idempotency-key': 'k-header' },
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('answers 400 idempotency_key_mismatch when header and body keys differ', async () => {
    const answer = await api.post('/v1/events', body('k-body'), { 'idempotency-key': 'k-other' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].code).toBe('idempotency_key_mismatch');
  });

  it('rejects a key longer than 128 characters', async () => {
    const answer = await api.post('/v1/events', body('k'.repeat(129)));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('idempotency_key');
  });

  it('refuses an Idempotency-Key header over 128 characters or empty, on both event routes, and stores nothing', async () => {
    const { idempotency_key: _k, ...plain } = body('unused', { event: 'header_key_probe' });
    for (const url of ['/v1/events', '/v1/my/events']) {
      for (const key of ['h'.repeat(129), '']) {
        const answer = await api.post(url, plain, { 'idempotency-key': key });
        expect(answer.status, `${url} with a ${key.length}-character header`).toBe(400);
        expect(answer.body.errors).toEqual([
          expect.objectContaining({ code: 'invalid_field', path: 'idempotency_key' }),
        ]);
      }
    }
    expect((await api.get('/v1/events?event=header_key_probe')).headers.get('x-total-count')).toBe('0');
    const longest = await api.post('/v1/events', plain, { 'idempotency-key': 'h'.repeat(128) });
    expect(longest.status).toBe(201);
    expect(longest.body.idempotency_key).toBe('h'.repeat(128));
  });

  it('stores exactly one event for 100 concurrent identical requests, and every answer carries its id', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => api.post('/v1/events', body('k-concurrent'))));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(Number));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === 'true')).toHaveLength(99);
    expect(
      (await api.get('/v1/events?event=signup&limit=100')).body.filter(
        (e: { idempotency_key: string }) => e.idempotency_key === 'k-concurrent',
      ),
    ).toHaveLength(1);
    const status = await api.get('/v1/events/status?idempotency_key=k-concurrent');
    expect(status.body).toEqual({ status: 'created', event_id: [...ids][0] });
  });

  it('answers the status endpoint not_found for an unknown key and 400 without a key', async () => {
    expect((await api.get('/v1/events/status?idempotency_key=never')).body).toEqual({ status: 'not_found' });
    const missing = await api.get('/v1/events/status');
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ code: 'invalid_parameter', path: 'idempotency_key' });
  });
});
