import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { client, createAccount, startCollector, tempDir, testDb } from './support/collector.js';
import { spawnCollectorProcess } from './support/collector-process.js';

interface Outcome {
  status: number | null;
  body: any;
  retryAfter: string | null;
}

async function postJson(url: string, body: unknown, key: string): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    return { status: null, body: null, retryAfter: null };
  }
}

/**
 * A POST whose headers the server has taken (it answered `100 Continue`, which Node does right before handing the
 * request to Fastify) while its body is held back until `finish()`: a request provably in flight.
 */
function heldRequest(url: string, path: string, key: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const { hostname, port } = new URL(url);
  const req = httpRequest({
    host: hostname,
    port,
    path,
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': bytes.length,
      expect: '100-continue',
    },
  });
  const continued = new Promise<void>((resolve) =>
    req.once('continue', () => {
      req.write(bytes.subarray(0, 10));
      resolve();
    }),
  );
  const answer = new Promise<Outcome>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? null,
          body: JSON.parse(text),
          retryAfter: res.headers['retry-after'] ?? null,
        }),
      );
    });
    req.on('error', reject);
  });
  return { continued, answer, finish: () => req.end(bytes.subarray(10)) };
}

/** Resolves once the port refuses new connections (the listener is closed). */
async function refused(port: number): Promise<void> {
  for (;;) {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('open');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    if (outcome === 'ECONNREFUSED') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('graceful shutdown on SIGTERM', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('finishes and stores in-flight requests, refuses new ones, and exits 0, under load', async () => {
    const db = `${dir.path}/sigterm.db`;
    const env = {
      TRACKLET_DB: await testDb(db),
      TRACKLET_DEMO_KEYS: `${db}.demo-keys.json`,
      TRACKLET_LOG_LEVEL: 'info',
      TRACKLET_RATE_LIMIT_API: '0',
    };
    const collector = await spawnCollectorProcess(env, { quiet: true });
    const exit = new Promise<[number | null, string | null]>((resolve) =>
      collector.child.once('exit', (code, signal) => resolve([code, signal])),
    );
    const created = await postJson(`${collector.url}/v1/admin/accounts`, { name: 'sigterm' }, 'test-admin-token');
    const key: string = created.body.keys.live;

    // Load: workers posting keyed events until the collector stops answering.
    const outcomes: Array<{ key: string; outcome: Outcome }> = [];
    let createdCount = 0;
    let markLoaded = () => {};
    const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
    let seq = 0;
    let stopping = false;
    const workers = Array.from({ length: 8 }, async (_, w) => {
      for (let failures = 0; failures < 3;) {
        const idempotencyKey = `load-${w}-${++seq}`;
        const outcome = await postJson(
          `${collector.url}/v1/events`,
          { event: 'load', contact_email: `w${w}@example.com`, idempotency_key: idempotencyKey, data: { w } },
          key,
        );
        outcomes.push({ key: idempotencyKey, outcome });
        if (outcome.status === 201 && ++createdCount === 40) markLoaded();
        if (outcome.status === null || (stopping && outcome.status === 503)) failures++;
      }
    });
    await loaded;

    const events = Array.from({ length: 300 }, (_, i) => ({
      event: 'in_flight',
      contact_email: 'late@example.com',
      idempotency_key: `held-${i}`,
    }));
    const held = heldRequest(collector.url, '/v1/events/batch', key, { events });
    await held.continued;
    stopping = true;
    collector.child.kill('SIGTERM');
    await refused(Number(new URL(collector.url).port));
    held.finish();

    const answer = await held.answer;
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(answer.body.results.map((r: { status: string }) => r.status)).toEqual(events.map(() => 'created'));
    await Promise.all(workers);
    expect(await exit).toEqual([0, null]);
    expect(collector.output()).toContain('shutting down');
    expect(collector.output()).not.toMatch(/"level":(50|60)/);

    // Every answer was a 201, the contract's 503 (nothing stored, retry), or no answer at all.
    for (const { outcome } of outcomes) {
      if (outcome.status === null || outcome.status === 201) continue;
      expect(outcome.status, JSON.stringify(outcome.body)).toBe(503);
      expect(outcome.body.errors[0]).toMatchObject({ code: 'store_unavailable', message: 'Store unavailable' });
      expect(outcome.retryAfter).toBe('1');
    }

    const reopened = await startCollector(db);
    try {
      const api = client(reopened, key);
      for (const { key: k, outcome } of outcomes) {
        const status = (await api.get(`/v1/events/status?idempotency_key=${k}`)).body;
        if (outcome.status === 201) expect(status, k).toEqual({ status: 'created', event_id: outcome.body.id });
        if (outcome.status === 503) expect(status, k).toEqual({ status: 'not_found' });
      }
      const stored = await api.get('/v1/events?event=in_flight&limit=1');
      expect(stored.headers.get('x-total-count')).toBe('300');
    } finally {
      await reopened.stop();
    }
  }, 60_000);

  it("closes the connection after an in-flight answer, so nothing pipelined behind it runs; a late request gets the contract's 503", async () => {
    const c = await startCollector(`${dir.path}/drain.db`);
    const { keys } = await createAccount(c);
    const { port } = new URL(c.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (chunk) => {
        received += chunk;
        if (received.includes('100 Continue')) resolve();
      }),
    );
    const ended = new Promise((resolve) => socket.once('close', resolve));
    const body = JSON.stringify({ event: 'drained', contact_email: 'drain@example.com', idempotency_key: 'drain-1' });
    const head = (length: number, expect = '') =>
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keys.live}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\n${expect}\r\n`;
    socket.write(head(Buffer.byteLength(body), 'Expect: 100-continue\r\n'));
    await continued;
    const closing = c.app.close();
    await refused(Number(port));
    // The request that was in flight sends its body, with a second request pipelined behind it on the same connection.
    const second = JSON.stringify({ event: 'too_late', contact_email: 'drain@example.com' });
    socket.write(body + head(Buffer.byteLength(second)) + second);
    await ended;
    const answers = received.split(/(?=HTTP\/1\.1 [2-5]\d\d )/).filter((part) => /^HTTP\/1\.1 [2-5]/.test(part));
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 201 /);
    expect(answers[0]).toMatch(/\r\nconnection: close\r\n/i);

    // A request that still reaches the router while closing (here through a second server on the same router, since
    // the real listener is gone) is answered 503 store_unavailable with Retry-After, in the contract's shape.
    const side = createServer(c.app.routing);
    await new Promise<void>((resolve) => side.listen(0, '127.0.0.1', resolve));
    try {
      const late = await postJson(
        `http://127.0.0.1:${(side.address() as AddressInfo).port}/v1/events`,
        JSON.parse(second),
        keys.live,
      );
      expect(late.status).toBe(503);
      expect(late.retryAfter).toBe('1');
      expect(late.body.errors[0]).toMatchObject({ code: 'store_unavailable', message: 'Store unavailable' });
    } finally {
      side.closeAllConnections();
      side.close();
    }
    await closing;

    const reopened = await c.restart();
    try {
      const api = client(reopened, keys.live);
      expect((await api.get('/v1/events/status?idempotency_key=drain-1')).body.status).toBe('created');
      expect((await api.get('/v1/events?event=too_late')).headers.get('x-total-count')).toBe('0');
    } finally {
      await reopened.stop();
    }
  });
});
