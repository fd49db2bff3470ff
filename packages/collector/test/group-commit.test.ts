import { afterAll, describe, expect, it } from 'vitest';
import { TrackletError } from '../src/errors.js';
import { GroupCommitter } from '../src/store/group-commit.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { openSqliteStore, type SqliteStoreOptions } from '../src/store/sqlite/sqlite-store.js';
import type { Footprint, Store, StoreTx } from '../src/store/store.js';
import type { TxRunner } from '../src/store/tx-runner.js';
import { tempDir, testDb, testStore } from './support/collector.js';

describe(`the ${testStore === 'postgres' ? 'PostgreSQL' : 'SQLite'} writer (group commit)`, () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  /** The adapter of this test project on a database named `name` (the same database again for the same name). */
  // One PostgreSQL writer: these tests are about one group committer (the store's default runs several).
  const openTestStore = async (name: string, options: SqliteStoreOptions = {}): Promise<Store> =>
    testStore === 'postgres'
      ? openPostgresStore(await testDb(`${dir.path}/${name}`), { ...options, writers: 1 })
      : openSqliteStore(`${dir.path}/${name}`, options);
  const account = (name: string) => ({
    name,
    allowed_origins: [],
    allowed_events: null,
    rate_limit: { api_per_minute: null, beacons_per_minute: null },
    timezone: 'UTC',
    created_at: 1,
    updated_at: 1,
  });

  it('rolls back a failing unit alone while the others in the same transaction commit', async () => {
    const store = await openTestStore('units.db');
    const results = await Promise.allSettled([
      store.write((tx) => tx.createAccount(account('kept-1'))),
      store.write(async (tx) => {
        await tx.createAccount(account('rolled-back'));
        throw new Error('boom');
      }),
      store.write((tx) => tx.createAccount(account('kept-2'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.countAccounts()).toBe(2);
    await store.close();
  });

  it('commits units submitted together in one transaction, and resolves none before that commit', async () => {
    const commits: number[] = [];
    // No time bound here: on a busy machine 100 units may take longer than the default one allows.
    const store = await openTestStore('group.db', {
      onCommit: (_seconds, size) => commits.push(size),
      maxBatchMs: 60_000,
    });
    const settled: number[] = [];
    const writes = Array.from({ length: 100 }, (_, i) =>
      store.write((tx) => tx.createAccount(account(`g${i}`))).then(() => settled.push(commits.length)),
    );
    await Promise.all(writes);
    expect(commits).toEqual([100]);
    expect(settled.every((n) => n === 1)).toBe(true);
    await store.close();
  });

  it('commits after maxBatchMs of work and runs the units left over first in the next transaction', async () => {
    const commits: number[] = [];
    const store = await openTestStore('time-bound.db', {
      onCommit: (_seconds, size) => commits.push(size),
      maxBatchMs: 55,
    });
    // Warm up (statements prepared, connection open), so the first measured unit costs what the others do.
    await store.write((tx) => tx.createAccount(account('warm-up')));
    commits.length = 0;
    const order: number[] = [];
    const slow = async (tx: StoreTx, i: number) => {
      await tx.createAccount(account(`t${i}`));
      const until = performance.now() + 30;
      while (performance.now() < until) {
        /* a unit that keeps the writer busy for 30 ms */
      }
      order.push(i);
    };
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.write((tx) => slow(tx, i))));
    // 30 ms units against a 55 ms bound: at most two per transaction (fewer when the machine is slow), in
    // submission order, and all six committed.
    expect(
      commits.every((n) => n >= 1 && n <= 2),
      String(commits),
    ).toBe(true);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(6);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await store.countAccounts()).toBe(7);
    await store.close();
  });

  it('answers 503 store_overloaded with Retry-After when the queue is full, and loses nothing it took', async () => {
    const store = await openTestStore('full.db', { maxQueue: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.write((tx) => tx.createAccount(account(`a${i}`)))),
    );
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

  it('without a unit savepoint, a refusal keeps the other units, and a unit failing after writing fails alone', async () => {
    const store = await openTestStore('no-savepoint.db', { maxBatchMs: 60_000 });
    const first = await Promise.allSettled([
      store.write((tx) => tx.createAccount(account('kept-a'))),
      store.write(async () => {
        throw new TrackletError('invalid_body', 'refused before writing');
      }),
      store.write((tx) => tx.createAccount(account('kept-b'))),
    ]);
    expect(first.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.countAccounts()).toBe(2);
    const second = await Promise.allSettled([
      store.write((tx) => tx.createAccount(account('lost-a'))),
      store.write(async (tx) => {
        await tx.createAccount(account('half-written'));
        throw new Error('disk on fire');
      }),
      store.write((tx) => tx.createAccount(account('lost-b'))),
    ]);
    // A unit that failed after writing cannot be rolled back alone: its transaction rolls back, it gets its error,
    // and the others run again without it.
    expect(second.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((second[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'disk on fire' });
    expect(await store.countAccounts()).toBe(4);
    await store.close();
  });
});

describe.runIf(testStore === 'postgres')('the PostgreSQL store with several writers', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("runs units of different visitors at once on different writers, and one visitor's units on one writer", async () => {
    const store = await openPostgresStore(await testDb(`${dir.path}/writers.db`), { writers: 4 });
    const visitors = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];
    const started = new Set<string>();
    const sessions = new Map<string, number[]>();
    // Each unit waits until units of two other visitors are running too: that can only happen on separate writers.
    const unit = (visitor: string) =>
      store.write({
        footprint: () => [{ accountId: 1, locks: [], idempotencyKeys: [], anonymousIds: [visitor], identities: [] }],
        run: async (tx) => {
          started.add(visitor);
          const until = Date.now() + 10_000;
          while (started.size < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
          const [row] = (
            await (
              tx as unknown as { client: { query(q: string): Promise<{ rows: { pid: number }[] }> } }
            ).client.query('SELECT pg_backend_pid() AS pid')
          ).rows;
          sessions.set(visitor, [...(sessions.get(visitor) ?? []), row?.pid ?? 0]);
        },
      });
    await Promise.all(visitors.flatMap((v) => [unit(v), unit(v)]));
    expect(started.size).toBe(visitors.length);
    const pids = new Set([...sessions.values()].flat());
    expect(pids.size).toBeGreaterThan(1);
    for (const [visitor, seen] of sessions) expect(new Set(seen).size, visitor).toBe(1);
    await store.close();
  });
});

describe('the group committer on a backend that syncs after COMMIT', () => {
  interface FakeTx {
    id: number;
  }
  /** A backend whose transactions only record what ran; each commit's durability is released by the test. */
  function backend() {
    const committed: number[] = [];
    const syncs: Array<() => void> = [];
    let next = 0;
    const runner: TxRunner<FakeTx, Footprint> = {
      begin: async () => ({ id: ++next }),
      rollback: async () => {},
      commit: async (tx) => {
        committed.push(tx.id);
      },
      durable: () => new Promise<void>((resolve) => syncs.push(resolve)),
      classify: (error) => error,
    };
    return { committed, syncs, runner };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('answers no unit before its transaction is durable, and begins the next one with the units that arrived meanwhile', async () => {
    const { committed, syncs, runner } = backend();
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    const answered: string[] = [];
    const a = committer.submit(async () => 'a').then((v) => answered.push(v));
    await tick();
    await tick();
    await tick();
    expect(committed).toEqual([1]);
    // b and c arrive while a's sync runs: no transaction begins before it ends, then one holds both.
    const later = [committer.submit(async () => 'b'), committer.submit(async () => 'c')].map((p) =>
      p.then((v) => answered.push(v)),
    );
    await tick();
    await tick();
    await tick();
    expect(committed).toEqual([1]);
    expect(answered).toEqual([]);
    syncs[0]?.();
    await a;
    await tick();
    await tick();
    expect(committed).toEqual([1, 2]);
    expect(answered).toEqual(['a']);
    syncs[1]?.();
    await Promise.all(later);
    await committer.drained();
    expect(answered).toEqual(['a', 'b', 'c']);
  });

  it('runs a whole transaction again, the conflicting unit first, when a unit without a savepoint met another writer', async () => {
    const { committed, runner } = backend();
    const conflict = new Error('lock held by another writer');
    let rolledBack = 0;
    runner.durable = undefined;
    runner.isConflict = (error) => error === conflict;
    runner.rollback = async () => {
      rolledBack += 1;
    };
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    const ran: string[] = [];
    let conflicts = 1;
    const unit = (name: string) =>
      committer.submit(async (tx) => {
        ran.push(`${name}@${tx.id}`);
        if (name === 'b' && conflicts-- > 0) throw conflict;
        return name;
      });
    const answers = await Promise.all([unit('a'), unit('b'), unit('c')]);
    expect(answers).toEqual(['a', 'b', 'c']);
    // Transaction 1 ran a, then b conflicted: rolled back, nothing answered; transaction 2 ran b first, then a and c.
    expect(ran).toEqual(['a@1', 'b@1', 'b@2', 'a@2', 'c@2']);
    expect(rolledBack).toBe(1);
    expect(committed).toEqual([2]);
  });

  const readsOf = (name: string): Footprint => ({
    accountId: 1,
    locks: [`anonymous_id:${name}`],
    idempotencyKeys: [],
    anonymousIds: [name],
    identities: [],
  });

  it('prepares the reads of every unit of a transaction at once, before the first unit runs', async () => {
    const { runner } = backend();
    runner.durable = undefined;
    const steps: string[] = [];
    runner.prepare = async (tx, reads) => {
      steps.push(`prepare@${tx.id}:${reads.map((r) => r.anonymousIds.join()).join(',')}`);
    };
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    const unit = (name: string) =>
      committer.submit(async (tx) => {
        steps.push(`${name}@${tx.id}`);
      }, readsOf(name));
    await Promise.all([unit('a'), unit('b'), unit('c')]);
    expect(steps).toEqual(['prepare@1:a,b,c', 'a@1', 'b@1', 'c@1']);
  });

  it('re-runs a transaction unit by unit when its commit failed, so the unit whose writes were refused fails alone', async () => {
    const { committed, runner } = backend();
    runner.durable = undefined;
    const refused = new TrackletError('invalid_field', 'a text value holds a character the database cannot store');
    // The backend holds writes back until commit (or until endUnit): a held-back bad write fails whoever sends it.
    const held = new Map<number, string[]>();
    const send = (tx: FakeTx) => {
      const writes = held.get(tx.id) ?? [];
      held.set(tx.id, []);
      if (writes.includes('bad')) throw refused;
    };
    const prepared: number[] = [];
    runner.prepare = async (tx) => {
      prepared.push(tx.id);
    };
    runner.commit = async (tx) => {
      send(tx);
      committed.push(tx.id);
    };
    runner.endUnit = async (tx) => send(tx);
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    const unit = (name: string) =>
      committer.submit(async (tx) => {
        held.set(tx.id, [...(held.get(tx.id) ?? []), name]);
        return name;
      }, readsOf(name));
    const results = await Promise.allSettled([unit('a'), unit('bad'), unit('c')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as TrackletError).code))).toEqual([
      'a',
      'invalid_field',
      'c',
    ]);
    // 1: all three prepared ahead, the commit refused; 2: one by one, nothing prepared, 'bad' fails at its end;
    // 3: a and c again, prepared ahead, committed.
    expect(prepared).toEqual([1, 3]);
    expect(committed).toEqual([3]);
  });

  it('prepares nothing ahead when the first unit met another writer, so it may wait for its locks', async () => {
    const { runner } = backend();
    runner.durable = undefined;
    const conflict = new Error('lock held by another writer');
    runner.isConflict = (error) => error === conflict;
    const prepared: number[] = [];
    runner.prepare = async (tx) => {
      prepared.push(tx.id);
    };
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    let conflicts = 1;
    const unit = (name: string) =>
      committer.submit(async () => {
        if (name === 'b' && conflicts-- > 0) throw conflict;
        return name;
      }, readsOf(name));
    expect(await Promise.all([unit('a'), unit('b')])).toEqual(['a', 'b']);
    expect(prepared).toEqual([1]);
  });

  it('fails the units of a transaction whose sync failed, and drained() waits for pending syncs', async () => {
    const { syncs, runner } = backend();
    runner.durable = () => new Promise<void>((_resolve, reject) => syncs.push(() => reject(new Error('EIO'))));
    const committer = new GroupCommitter(runner, { maxBatch: 10, maxQueue: 10 });
    const unit = committer.submit(async () => 'x');
    let drained = false;
    await tick();
    await tick();
    void committer.drained().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    syncs[0]?.();
    await expect(unit).rejects.toThrow('EIO');
    await tick();
    expect(drained).toBe(true);
  });
});
