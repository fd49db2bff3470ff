import { afterAll, describe, expect, it } from 'vitest';
import { TrackletError } from '../src/errors.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore, type SqliteStoreOptions } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { tempDir, testDb, testStore } from './support/collector.js';

describe(`the ${testStore === 'postgres' ? 'PostgreSQL' : 'SQLite'} writer (group commit)`, () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  /** The adapter of this test project on a database named `name` (the same database again for the same name). */
  const openTestStore = async (name: string, options: SqliteStoreOptions = {}): Promise<Store> =>
    (testStore === 'postgres' ? openPostgresStore(await testDb(`${dir.path}/${name}`), options) : openSqliteStore(`${dir.path}/${name}`, options));
  const account = (name: string) => ({ name, allowed_origins: [], allowed_events: null, rate_limit: { api_per_minute: null, beacons_per_minute: null }, created_at: 1, updated_at: 1 });

  it('rolls back a failing unit alone while the others in the same transaction commit', async () => {
    const store = await openTestStore('units.db');
    const results = await Promise.allSettled([
      store.write((tx) => tx.createAccount(account('kept-1'))),
      store.write(async (tx) => { await tx.createAccount(account('rolled-back')); throw new Error('boom'); }),
      store.write((tx) => tx.createAccount(account('kept-2'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.countAccounts()).toBe(2);
    await store.close();
  });

  it('commits units submitted together in one transaction, and resolves none before that commit', async () => {
    const commits: number[] = [];
    // No time bound here: on a busy machine 100 units may take longer than the default one allows.
    const store = await openTestStore('group.db', { onCommit: (_seconds, size) => commits.push(size), maxBatchMs: 60_000 });
    const settled: number[] = [];
    const writes = Array.from({ length: 100 }, (_, i) => store.write((tx) => tx.createAccount(account(`g${i}`)))
      .then(() => settled.push(commits.length)));
    await Promise.all(writes);
    expect(commits).toEqual([100]);
    expect(settled.every((n) => n === 1)).toBe(true);
    await store.close();
  });

  it('commits after maxBatchMs of work and runs the units left over first in the next transaction', async () => {
    const commits: number[] = [];
    const store = await openTestStore('time-bound.db', { onCommit: (_seconds, size) => commits.push(size), maxBatchMs: 45 });
    const order: number[] = [];
    const slow = async (tx: Parameters<Parameters<Store['write']>[0]>[0], i: number) => {
      await tx.createAccount(account(`t${i}`));
      const until = performance.now() + 30;
      while (performance.now() < until) { /* a unit that keeps the writer busy for 30 ms */ }
      order.push(i);
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.write((tx) => slow(tx, i))));
    // 30 ms units against a 45 ms bound: two per transaction, in submission order, and all six committed.
    expect(commits).toEqual([2, 2, 2]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await store.countAccounts()).toBe(6);
    await store.close();
  });

  it('answers 503 store_overloaded with Retry-After when the queue is full, and loses nothing it took', async () => {
    const store = await openTestStore('full.db', { maxQueue: 5 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.write((tx) => tx.createAccount(account(`a${i}`)))));
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused).toHaveLength(3);
    expect(refused[0]?.reason).toBeInstanceOf(TrackletError);
    expect(refused[0]?.reason).toMatchObject({ code: 'store_overloaded', status: 503, retryAfter: 1 });
    expect(await store.countAccounts()).toBe(5);
    await store.close();
  });

  it('finishes queued writes before closing', async () => {
    const store = await openTestStore('close.db');
    const pending = Array.from({ length: 50 }, (_, i) => store.write((tx) => tx.createAccount(account(`c${i}`))));
    await store.close();
    await Promise.all(pending);
    const reopened = await openTestStore('close.db');
    expect(await reopened.countAccounts()).toBe(50);
    await reopened.close();
  });
});
