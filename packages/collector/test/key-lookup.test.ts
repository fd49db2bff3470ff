import { afterAll, describe, expect, it, vi } from 'vitest';
import { findKey } from '../src/pipeline/authenticate-key.js';
import { generateKey, hashSecret, lookupPrefix } from '../src/keys.js';
import type { KeyRecord } from '../src/store/records.js';
import type { Store } from '../src/store/store.js';
import { admin, client, createAccount, startCollector, storedText, tempDir } from './support/collector.js';

// Wraps node:crypto's timingSafeEqual, so the tests can see that every key comparison goes through it.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

/** A store that holds these key records and records what it was asked. */
function keyStore(records: KeyRecord[]) {
  const asked: string[] = [];
  const store = {
    findKeysByPrefix: async (prefix: string) => {
      asked.push(prefix);
      return records.filter((r) => r.prefix === prefix);
    },
  };
  return { store: store as unknown as Store, asked };
}

const record = (id: number, key: string, revoked_at: number | null = null): KeyRecord => ({
  id,
  account_id: 1,
  type: 'live',
  prefix: lookupPrefix(key),
  hash: hashSecret(key),
  scopes: ['events.read'],
  created_at: 0,
  revoked_at,
});

describe('API keys: stored as hashes, looked up by prefix, compared in constant time', () => {
  it('asks the store by the stored lookup prefix only (type + 8 characters), never by the full key', async () => {
    const { key } = generateKey('live');
    const { store, asked } = keyStore([record(1, key)]);
    expect((await findKey(store, key))?.id).toBe(1);
    expect(asked).toEqual([key.slice(0, 'tk_live_'.length + 8)]);
    expect(asked[0]).not.toBe(key);
  });

  it('tells apart keys that share a lookup prefix by their hashes, and refuses a revoked one', async () => {
    const { key } = generateKey('live');
    const sibling = key.slice(0, 16) + 'Z'.repeat(key.length - 16);
    const { store } = keyStore([
      record(1, sibling),
      record(2, key),
      record(3, `${key.slice(0, 16)}${'Y'.repeat(key.length - 16)}`, 5),
    ]);
    expect((await findKey(store, key))?.id).toBe(2);
    expect((await findKey(store, sibling))?.id).toBe(1);
    expect(await findKey(store, `${key.slice(0, 16)}${'Y'.repeat(key.length - 16)}`)).toBeNull();
    expect(await findKey(store, `${key.slice(0, 16)}${'X'.repeat(key.length - 16)}`)).toBeNull();
  });

  it('compares hashes with crypto.timingSafeEqual, for every candidate of the prefix', async () => {
    const { key } = generateKey('live');
    const { store } = keyStore([record(1, key.slice(0, 16) + 'Q'.repeat(key.length - 16)), record(2, key)]);
    // Loaded afresh: with isolate off, another file may have loaded keys.ts before this file's mock of node:crypto.
    vi.resetModules();
    const { findKey: findKeyMocked } = await import('../src/pipeline/authenticate-key.js');
    const compare = vi.mocked((await import('node:crypto')).timingSafeEqual);
    compare.mockClear();
    await findKeyMocked(store, key);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([64, 64]);
  });

  it('never asks the store about something that is not a key', async () => {
    const { store, asked } = keyStore([]);
    for (const token of ['', 'tk_', 'tk_other_123456789', 'Bearer tk_live_x', 'eyJhbGciOiJIUzI1NiJ9.e30.x'])
      expect(await findKey(store, token)).toBeNull();
    expect(asked).toEqual([]);
  });
});

describe('key revocation is immediate', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('refuses a revoked key at once on every collector sharing the store (keys are never cached)', async () => {
    const first = await startCollector(`${dir.path}/shared.db`);
    const second = await startCollector(`${dir.path}/shared.db`);
    try {
      const account = await createAccount(first);
      const issued = await admin(first).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'live' });
      const pub = await admin(first).post(`/v1/admin/accounts/${account.id}/keys`, { type: 'publishable' });
      expect((await client(second, issued.body.key).get('/v1/events')).status).toBe(200);
      expect((await admin(first).delete(`/v1/admin/keys/${issued.body.id}`)).status).toBe(200);
      expect((await admin(first).delete(`/v1/admin/keys/${pub.body.id}`)).status).toBe(200);
      for (const c of [first, second]) {
        expect((await client(c, issued.body.key).get('/v1/events')).status).toBe(401);
        expect(
          (await client(c, issued.body.key).post('/v1/events', { event: 'x', contact_email: 'r@example.com' })).status,
        ).toBe(401);
      }
      const beaconAnswer = await fetch(`${second.url}/v1/collect`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ key: pub.body.key, events: [{ id: 'r-1', event: 'page_view', anonymous_id: 'a' }] }),
      });
      expect(beaconAnswer.status).toBe(401);
      // Revoking twice is a 404: the key is already dead.
      expect((await admin(second).delete(`/v1/admin/keys/${issued.body.id}`)).status).toBe(404);
      const stored = await storedText(`${dir.path}/shared.db`);
      expect(stored.includes(issued.body.key)).toBe(false);
      expect(stored).toContain(hashSecret(issued.body.key));
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
