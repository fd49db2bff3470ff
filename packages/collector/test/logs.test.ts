import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { call, humanUserAgent, tempDir, testDb } from './support/collector.js';
import { spawnCollectorProcess } from './support/collector-process.js';

/**
 * Issue #7: the collector's log, at info level, never holds a key, a token or a request body, whatever the requests
 * carried and wherever (headers, bodies, bad JSON, misplaced query parameters, paths); and no answer carries a stack.
 */
describe('what the collector logs', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('logs requests at info level without any key, token or body', async () => {
    const db = `${dir.path}/logs.db`;
    const jwtSecret = 'logs-test-jwt-secret-0123456789abcdef';
    const adminToken = 'tk_admin_logs-test-admin-token-0123456789';
    const collector = await spawnCollectorProcess(
      {
        TRACKLET_DB: await testDb(db),
        TRACKLET_DEMO_KEYS: `${db}.demo-keys.json`,
        TRACKLET_LOG_LEVEL: 'info',
        TRACKLET_JWT_SECRET: jwtSecret,
        TRACKLET_ADMIN_TOKEN: adminToken,
      },
      { quiet: true },
    );
    const { url } = collector;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    try {
      const account = (
        await call(`${url}/v1/admin/accounts`, { method: 'POST', json: { name: 'logs' }, headers: bearer(adminToken) })
      ).body;
      const { live, publishable, test } = account.keys;
      const issued = (
        await call(`${url}/v1/admin/accounts/${account.id}/keys`, {
          method: 'POST',
          json: { type: 'live' },
          headers: bearer(adminToken),
        })
      ).body;
      const jwt = await new SignJWT({ account_id: account.id, scope: 'events.read events.write' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(jwtSecret));
      const badKey = 'tk_live_BADKEYbadkeyBADKEYbadkey0123456';
      const badJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJhY2NvdW50X2lkIjoxfQ.Zm9yZ2VkLXNpZ25hdHVyZQ';
      const bodyMarker = 'BODY-MARKER-d41d8cd98f00b204';
      const email = 'logged.person@private.example';
      const answers = [
        await call(`${url}/v1/events`, {
          method: 'POST',
          headers: bearer(live),
          json: {
            event: 'logged',
            contact_email: email,
            idempotency_key: 'secret-idempotency-key',
            data: { note: bodyMarker },
          },
        }),
        await call(`${url}/v1/events?limit=5`, { headers: bearer(test) }),
        await call(`${url}/v1/events`, { headers: bearer(issued.key) }),
        await call(`${url}/v1/events`, { headers: bearer(jwt) }),
        await call(`${url}/v1/events`, {
          method: 'POST',
          headers: bearer(jwt),
          json: { event: 'logged', contact_email: email, data: { note: bodyMarker } },
        }),
        await call(`${url}/v1/events`, { headers: bearer(badKey) }),
        await call(`${url}/v1/events`, { headers: bearer(badJwt) }),
        await call(`${url}/v1/events?api_key=${live}&token=${jwt}`, { headers: bearer(live) }),
        await call(`${url}/v1/events/${live}`, { headers: bearer(live) }),
        await call(`${url}/v1/contacts?email=${encodeURIComponent(email)}`, { headers: bearer(live) }),
        await call(`${url}/v1/events`, {
          method: 'POST',
          headers: { ...bearer(live), 'content-type': 'application/json' },
          body: `{"event":"broken","data":{"note":"${bodyMarker}","key":"${live}"`,
        }),
        await call(`${url}/v1/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': humanUserAgent },
          body: JSON.stringify({
            key: publishable,
            events: [{ id: 'log-1', event: 'page_view', anonymous_id: 'anon-log', title: bodyMarker }],
          }),
        }),
        await call(`${url}/v1/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: `{"key":"${publishable}","events":[{"id":"log-2","title":"${bodyMarker}"`,
        }),
        await call(`${url}/v1/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ key: live, events: [{ id: 'log-3', event: 'page_view', anonymous_id: 'anon-log' }] }),
        }),
        await call(`${url}/v1/collect`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({
            key: badKey,
            events: [{ id: 'log-4', event: 'page_view', anonymous_id: 'anon-log' }],
          }),
        }),
        await call(`${url}/v1/admin/accounts`, {
          method: 'POST',
          json: { name: 'x' },
          headers: bearer(`${adminToken}-wrong`),
        }),
      ];
      expect(answers.map((a) => a.status)).toEqual([
        201, 200, 200, 200, 201, 401, 401, 400, 404, 200, 400, 200, 400, 403, 401, 401,
      ]);
      for (const answer of answers) {
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|\.js:\d+/);
      }
      await collector.stop();

      const log = collector.output();
      // The demo account's keys are printed at start on purpose (API.md "Running"); everything after is request logs.
      const requestLog = log.slice(log.indexOf('{"level"'));
      expect(requestLog).toContain('"msg":"incoming request"');
      expect(requestLog).toContain('"url":"/v1/events?limit=…"');
      const secrets = {
        live,
        publishable,
        test,
        issued: issued.key,
        jwt,
        badKey,
        badJwt,
        adminToken,
        bodyMarker,
        email,
        jwtSecret,
        idempotencyKey: 'secret-idempotency-key',
      };
      for (const [name, secret] of Object.entries(secrets)) {
        expect(requestLog.includes(secret), `the log holds ${name}`).toBe(false);
        // Nor a recognisable part of it (keys by their secret part).
        expect(requestLog.includes(secret.slice(-16)), `the log holds the end of ${name}`).toBe(false);
      }
    } finally {
      await collector.stop();
    }
  });
});
