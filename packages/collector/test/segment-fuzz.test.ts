import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, openStore } from '../src/config.js';
import { errorCodes } from '../src/errors.js';
import { createAccountWithKeys } from '../src/services/accounts.js';
import { tempDir, testDb } from './support/collector.js';
import { contentType, hostileJsonText, nastyString, nastyValue } from './support/fuzz-arbitraries.js';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const paths = ['/v1/batch', '/v1/b', '/v1/track', '/v1/t', '/v1/identify', '/v1/p', '/v1/screen', '/v1/g', '/v1/alias'];
const humanAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** A Segment message with a known shape and hostile values anywhere a sender could put them. */
const message = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), nastyString),
    messageId: fc.oneof(fc.uuid(), nastyValue),
    anonymousId: fc.oneof(fc.constant('anon-f'), nastyValue),
    userId: fc.oneof(fc.constant('user-f'), nastyValue),
    event: fc.oneof(fc.constantFrom('Order Completed', 'Product Viewed'), nastyString, nastyValue),
    previousId: nastyValue,
    groupId: nastyValue,
    name: nastyValue,
    properties: fc.oneof(fc.record({ order_id: nastyValue, revenue: nastyValue, nested: nastyValue }), nastyValue),
    traits: fc.oneof(fc.record({ email: nastyValue, phone: nastyValue, plan: nastyValue }), nastyValue),
    context: fc.oneof(
      fc.record(
        { ip: nastyValue, userAgent: nastyValue, page: nastyValue, campaign: nastyValue },
        { requiredKeys: [] },
      ),
      nastyValue,
    ),
    timestamp: nastyValue,
    originalTimestamp: nastyValue,
    sentAt: nastyValue,
  },
  { requiredKeys: ['type'] },
);

/**
 * Issue #7's invariants over the Segment routes: whatever the message, never a 5xx, never a stack trace, and every
 * refusal in the contract's error shape with its code's status. Secret keys (Basic) and publishable ones (body).
 */
describe('fuzzing the Segment routes', () => {
  const dir = tempDir();
  let app: FastifyInstance;
  let keys: { live: string; publishable: string };

  beforeAll(async () => {
    const config = loadConfig({
      TRACKLET_DB: await testDb(`${dir.path}/fuzz.db`),
      TRACKLET_ADMIN_TOKEN: 'fuzz-admin-token',
      TRACKLET_RATE_LIMIT_API: '0',
      TRACKLET_RATE_LIMIT_BEACONS: '0',
      TRACKLET_LOG_LEVEL: 'silent',
    });
    const store = await openStore(config);
    keys = (await createAccountWithKeys(store, { name: 'segment-fuzz' })).keys;
    app = await buildApp(config, { store, logger: false });
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it('answers every hostile Segment request below 500 in the contract error shape', async () => {
    const body = fc.oneof(message, fc.record({ batch: fc.array(fc.oneof(message, nastyValue), { maxLength: 5 }) }));
    const request = fc.tuple(
      fc.constantFrom(...paths),
      fc.oneof(
        body.map((b) => JSON.stringify(b)),
        hostileJsonText(body),
      ),
      contentType,
      fc.boolean(),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async ([url, text, type, browser]) => {
        const headers: Record<string, string> = { 'user-agent': humanAgent };
        if (type !== undefined) headers['content-type'] = type;
        if (!browser) headers.authorization = `Basic ${Buffer.from(`${keys.live}:`).toString('base64')}`;
        const payload = browser ? text.replace(/^\{/, `{"writeKey":"${keys.publishable}",`) : text;
        const res = await app.inject({ method: 'POST', url, headers, payload } as InjectOptions);
        const where = `${url} → ${res.statusCode} ${res.body.slice(0, 300)} for ${payload.slice(0, 300)}`;
        expect(res.statusCode, where).toBeLessThan(500);
        expect(res.body, where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        if (res.statusCode < 400) {
          accepted += 1;
          return;
        }
        const errors = (JSON.parse(res.body) as { errors: { code: keyof typeof errorCodes; message: string }[] })
          .errors;
        expect(errors.length, where).toBeGreaterThan(0);
        for (const e of errors) expect(errorCodes[e.code]?.[1], where).toBe(e.message);
        expect(errorCodes[errors[0]!.code][0], where).toBe(res.statusCode);
      }),
      { seed, numRuns: 600 },
    );
    // The generator reaches the mapping and the store, not only the parsers' refusals.
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);
});
