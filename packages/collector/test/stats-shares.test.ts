import { describe, expect, it } from 'vitest';
import { beacon, client, settled } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

describe('dashboard share links (POST/GET/DELETE /v1/stats/shares)', () => {
  const c = useCollector();
  const share = (token: string) => client(c, token);

  it('makes a link whose token reads the stats, shown once, and lists it without the token', async () => {
    await beacon(c, { key: c.keys.publishable, events: [{ id: 'sh-1', event: 'page_view', anonymous_id: 'v1' }] });
    await settled(c);
    const made = await c.live.post('/v1/stats/shares', {});
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      id: expect.any(Number),
      created_at: expect.any(String),
      token: expect.stringMatching(/^tk_share_/),
      url: `/dashboard/s/${made.body.token}`,
    });
    const stats = await share(made.body.token).post('/v1/stats/query', { metrics: ['events'], date_range: 'all' });
    expect(stats.status).toBe(200);
    expect(stats.body.results[0].metrics).toEqual([1]);
    expect((await share(made.body.token).get('/v1/stats/realtime')).status).toBe(200);
    const listed = await c.live.get('/v1/stats/shares');
    expect(listed.body).toContainEqual({ id: made.body.id, created_at: made.body.created_at });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
  });

  it('never reads events, contacts or schemas, nor manages links, with a share token', async () => {
    const { token } = (await c.live.post('/v1/stats/shares', {})).body;
    for (const path of ['/v1/events', '/v1/contacts', '/v1/event-schemas'])
      expectError(await share(token).get(path), 403, 'insufficient_scope');
    expectError(
      await share(token).post('/v1/events', { event: 'x', contact_email: 'a@b.co' }),
      403,
      'insufficient_scope',
    );
    expectError(await share(token).get('/v1/stats/shares'), 403, 'forbidden');
    expectError(await share(token).post('/v1/stats/shares', {}), 403, 'forbidden');
  });

  it('stops a revoked link at once (401) and drops it from the list; a second delete is a 404', async () => {
    const made = (await c.live.post('/v1/stats/shares', {})).body;
    const removed = await c.live.delete(`/v1/stats/shares/${made.id}`);
    expect(removed.body).toEqual({ id: made.id, deleted: true });
    expectError(await share(made.token).get('/v1/stats/realtime'), 401, 'unauthorized');
    expect((await c.live.get('/v1/stats/shares')).body.map((s: { id: number }) => s.id)).not.toContain(made.id);
    expectError(await c.live.delete(`/v1/stats/shares/${made.id}`), 404, 'key_not_found');
  });

  it('refuses to revoke a key that is not a share link', async () => {
    const keys = (await c.live.get('/v1/stats/shares')).body as Array<{ id: number }>;
    const notAShare = Math.max(0, ...keys.map((k) => k.id)) + 1000;
    expectError(await c.live.delete(`/v1/stats/shares/${notAShare}`), 404, 'key_not_found');
    expectError(await c.live.delete('/v1/stats/shares/1'), 404, 'key_not_found');
  });
});
