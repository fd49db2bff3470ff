import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../src/webhooks/send-webhook.js';
import { isPrivateAddress } from '../src/webhooks/ssrf-guard.js';
import { admin, client, createAccount, settled } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';
import { type Receiver, startReceiver, until } from './support/webhook-receiver.js';

describe('webhook endpoints: the API (issue #21)', () => {
  const c = useCollector({ env: { TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true' } });

  it('creates an endpoint with its secret shown once, lists, reads, changes and deletes it', async () => {
    const created = await c.live.post('/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      events: ['confirmation', 'login'],
      description: 'shop',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ url: 'http://127.0.0.1:9/hook', events: ['confirmation', 'login'], enabled: true }),
    );
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const { id } = created.body;
    const read = await c.live.get(`/v1/webhooks/${id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body.description).toBe('shop');
    expect((await c.live.get('/v1/webhooks')).body.map((e: { id: number }) => e.id)).toContain(id);
    const changed = await c.live.patch(`/v1/webhooks/${id}`, { events: ['*'], enabled: false });
    expect(changed.body).toEqual(expect.objectContaining({ events: ['*'], enabled: false }));
    expect((await c.live.delete(`/v1/webhooks/${id}`)).body).toEqual({ id, deleted: true });
    expectError(await c.live.get(`/v1/webhooks/${id}`), 404, 'webhook_not_found');
    expectError(await c.live.get('/v1/webhooks/abc'), 404, 'webhook_not_found');
  });

  it('answers 400 naming the field for a bad url, events or an unknown field', async () => {
    expectError(await c.live.post('/v1/webhooks', { url: 'ftp://x.example/', events: ['*'] }), 400, null, 'url');
    expectError(await c.live.post('/v1/webhooks', { url: 'not a url', events: ['*'] }), 400, null, 'url');
    expectError(await c.live.post('/v1/webhooks', { url: 'https://x.example/', events: [] }), 400, null, 'events');
    expectError(
      await c.live.post('/v1/webhooks', { url: 'https://x.example/', events: ['Bad!'] }),
      400,
      null,
      'events[0]',
    );
    expectError(await c.live.post('/v1/webhooks', { url: 'https://x.example/', events: ['*'], x: 1 }), 400, null);
    const { id } = (await c.live.post('/v1/webhooks', { url: 'http://127.0.0.1:9/', events: ['*'] })).body;
    expectError(await c.live.patch(`/v1/webhooks/${id}`, { enabled: 'yes' }), 400, null, 'enabled');
    expectError(await c.live.get(`/v1/webhooks/${id}/deliveries?limit=500`), 400, 'invalid_parameter', 'limit');
    expectError(await c.live.post(`/v1/webhooks/${id}/deliveries/77777/retry`, {}), 404, 'delivery_not_found');
  });

  it('needs webhooks.read to read and webhooks.write to change; secret keys get both by default', async () => {
    const issued = await admin(c).post(`/v1/admin/accounts/${c.account.id}/keys`, {
      type: 'live',
      scopes: ['webhooks.read'],
    });
    const reader = client(c, issued.body.key);
    expect((await reader.get('/v1/webhooks')).status).toBe(200);
    expectError(
      await reader.post('/v1/webhooks', { url: 'http://127.0.0.1:9/', events: ['*'] }),
      403,
      'insufficient_scope',
    );
    const none = await admin(c).post(`/v1/admin/accounts/${c.account.id}/keys`, {
      type: 'live',
      scopes: ['events.read'],
    });
    expectError(await client(c, none.body.key).get('/v1/webhooks'), 403, 'insufficient_scope');
    const fresh = await createAccount(c);
    expect((await client(c, fresh.keys.test).get('/v1/webhooks')).status).toBe(200);
  });

  it('shows queue depth, the oldest undelivered age and deliveries by outcome in /metrics', async () => {
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/^tracklet_webhook_queue_depth \d+/m);
    expect(metrics).toMatch(/^tracklet_webhook_oldest_undelivered_seconds [\d.]+/m);
    expect(metrics).toContain('# TYPE tracklet_webhook_deliveries_total counter');
  });
});

describe('webhook endpoints: private addresses are refused (issue #21)', () => {
  /** The name `hooks.example` resolves to what this says (a DNS answer that changes: rebinding). */
  let answer = '93.184.216.34';
  let receiver: Receiver;
  const c = useCollector({
    build: { webhooks: { resolve: async () => [{ address: answer, family: answer.includes(':') ? 6 : 4 }] } },
  });
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('refuses private, loopback and link-local hosts at creation, v4, v6 and v4-mapped', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://10.1.2.3/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
    ])
      expectError(await c.live.post('/v1/webhooks', { url, events: ['*'] }), 400, 'invalid_field', 'url');
    answer = '10.0.0.7';
    expectError(
      await c.live.post('/v1/webhooks', { url: 'http://hooks.example/', events: ['*'] }),
      400,
      'invalid_field',
      'url',
    );
  });

  it('refuses at connect time a name that resolved to a public address at creation and to loopback now', async () => {
    answer = '93.184.216.34';
    const url = `http://hooks.example:${receiver.port}/hook`;
    const hook = await c.live.post('/v1/webhooks', { url, events: ['*'] });
    expect(hook.status).toBe(201);
    answer = '127.0.0.1';
    expect((await c.live.post('/v1/events', { event: 'rebind', contact_email: 'r@x.example' })).status).toBe(201);
    await settled(c);
    const delivery = await until(async () => {
      const [d] = (await c.live.get(`/v1/webhooks/${hook.body.id}/deliveries`)).body;
      return d?.attempts > 0 ? d : undefined;
    });
    expect(delivery.status).toBe('pending');
    expect(delivery.last_error).toMatch(/private, loopback or link-local/);
    expect(receiver.received).toHaveLength(0);
  });

  it('tells private addresses from public ones', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '100.64.0.1', '::1', 'fd00::1', '::ffff:10.0.0.1'])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '2606:2800:220:1::248', '::ffff:93.184.216.34'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('does not send a body over 256 KB: the delivery fails at once with the reason', async () => {
    const big = JSON.stringify({ type: 'x', data: 'a'.repeat(256 * 1024) });
    const result = await sendWebhook(receiver.url, big, {}, { timeoutMs: 1000, allowPrivate: true });
    expect(result).toEqual(expect.objectContaining({ ok: false, permanent: true, statusCode: null }));
    expect(result.error).toMatch(/over 262144 bytes/);
    expect(receiver.received).toHaveLength(0);
  });
});
