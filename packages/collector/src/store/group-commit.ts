import { TrackletError } from '../errors.js';
import type { UnitReads } from './store.js';

/** The transaction primitives a backend gives the group committer. */
export interface TxRunner<Tx> {
  begin(): Promise<Tx>;
  savepoint(tx: Tx): Promise<void>;
  release(tx: Tx): Promise<void>;
  rollbackToSavepoint(tx: Tx): Promise<void>;
  commit(tx: Tx): Promise<void>;
  /**
   * Optional, for backends whose COMMIT does not itself wait for stable storage (SQLite with its own WAL sync):
   * resolves once what the transaction committed is durable. The event loop serves requests meanwhile; the units
   * of this transaction settle, and the next transaction begins, only after it resolves.
   */
  durable?(tx: Tx): Promise<void>;
  rollback(tx: Tx): Promise<void>;
  /** Maps a backend error to the contract's 503 when the store itself failed; returns other errors unchanged. */
  classify(error: unknown): unknown;
  /**
   * Optional, for backends that several processes write at once: true when a unit failed because another writer
   * holds what it needs (a lock, a unique key). The transaction then commits the units before it, and the unit and
   * those after it run again in the next transaction, first, instead of failing.
   */
  isConflict?(error: unknown): boolean;
  /** Optional: told when a unit without a savepoint finished in the transaction (it holds that unit's locks now). */
  unitDone?(tx: Tx): void;
  /**
   * Optional, for backends that pay a round trip per statement: takes the locks and reads the rows of every unit of
   * the transaction at once, before the first unit runs, so the units then run from what it holds. Writes the units
   * make may then be held back until commit (see endUnit).
   */
  prepare?(tx: Tx, reads: UnitReads[]): Promise<void>;
  /**
   * Optional: sends what a unit wrote but the backend held back. Called at the end of each unit only when a
   * transaction is re-run unit by unit (after a commit failed in a way one unit may have caused), so that unit fails
   * alone; otherwise the commit sends everything at once.
   */
  endUnit?(tx: Tx): Promise<void>;
}

/**
 * A unit without a savepoint failed after it may have written: the whole transaction rolls back. When it met
 * another writer (`conflict`), everything runs again, that unit first; otherwise that unit alone gets `error` and
 * the others run again without it.
 */
class RetryTransaction extends Error {
  constructor(
    readonly job: Job<unknown>,
    readonly conflict: boolean,
    readonly error: unknown,
  ) {
    super('a unit without a savepoint failed');
  }
}

/** A unit that keeps meeting conflicts gives up after this many runs, with a 503 the client retries. */
const MAX_RUNS = 10;

export interface GroupCommitOptions {
  /** Most units of work in one transaction. */
  maxBatch: number;
  /**
   * Most milliseconds of work in one transaction before it commits (default 8): the units still waiting go to the
   * next one. SQLite's writer runs on the event loop, so this bounds how long one commit holds every request up.
   */
  maxBatchMs?: number;
  /** Most units waiting; beyond it `submit` answers 503 with Retry-After instead of growing without limit. */
  maxQueue: number;
  onCommit?: (seconds: number, size: number) => void;
}

export interface UnitOptions {
  /**
   * false: the unit runs without a savepoint of its own. It promises to throw a 4xx TrackletError (a refusal) only
   * before its first write; any other error it throws fails its whole transaction (every unit in it gets the
   * store's error, and clients retry). Saves two statements per unit on the hot path.
   */
  savepoint?: boolean;
  /**
   * Units with the same affinity (e.g. one visitor's) go to the same writer where a store has several, so they
   * never wait on each other's locks across writers.
   */
  affinity?: string;
  /** What the unit will lock and read (TxRunner.prepare), computed only for a backend that prepares. */
  reads?: () => UnitReads[];
}

interface Job<Tx> {
  work: (tx: Tx) => Promise<unknown>;
  savepoint: boolean;
  reads: (() => UnitReads[]) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  runs: number;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/**
 * One writer for the whole process: units of work submitted while a transaction runs wait and then share the next
 * one. Each unit runs in its own savepoint, so a failing unit is rolled back alone; every unit's promise settles
 * only after the shared transaction has committed (or failed as a whole).
 */
export class GroupCommitter<Tx> {
  private queue: Job<Tx>[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(
    private readonly runner: TxRunner<Tx>,
    private readonly options: GroupCommitOptions,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit<T>(work: (tx: Tx) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new TrackletError('store_overloaded', 'the writer queue is full; retry shortly', { retryAfter: 1 }),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work,
        savepoint: options.savepoint ?? true,
        reads: options.reads,
        resolve: resolve as (v: unknown) => void,
        reject,
        runs: 0,
      });
      if (!this.running) this.start();
    });
  }

  /** Transactions committed whose durability (and so whose units' answers) is still awaited. */
  private syncing = new Set<Promise<void>>();

  /** Resolves once every submitted unit has settled. */
  async drained(): Promise<void> {
    if (this.running) await this.idle;
    await Promise.all(this.syncing);
  }

  private start(): void {
    this.running = true;
    this.idle = new Promise((resolve) => {
      this.markIdle = resolve;
    });
    // Let the requests already read off the sockets join the first transaction.
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      await this.runBatch(batch);
      // Let the event loop read new requests (they join the next transaction) and write the answers. Where commits
      // are made durable afterwards (SQLite), the next transaction waits for this one's sync: it then holds what
      // arrived meanwhile, so under a steady load there are fewer, larger commits (each writes its dirty pages to
      // the WAL once, and each costs one fdatasync) instead of one per few requests; those requests could not be
      // answered before that sync ended anyway.
      if (this.syncing.size > 0) await Promise.all(this.syncing);
      else if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.running = false;
    this.markIdle();
  }

  /**
   * One transaction: prepare every unit's reads at once (when the backend prepares), run the units, commit. When
   * `oneByOne`, nothing is prepared ahead and each unit's held-back writes are sent at its end, so a unit whose
   * writes the database refuses fails alone: a batch is re-run that way when its commit failed for such a reason.
   */
  private async runBatch(batch: Job<Tx>[], oneByOne = false): Promise<void> {
    const started = performance.now();
    let tx: Tx | undefined;
    let done = 0;
    try {
      tx = await this.runner.begin();
      // A unit that met another writer runs first in a transaction that holds nothing yet, so it may wait for what
      // it needs: nothing is prepared ahead then.
      if (!oneByOne && this.runner.prepare && (batch[0] as Job<Tx>).runs === 0) {
        const reads = batch.flatMap((job) => job.reads?.() ?? []);
        if (reads.length > 0) await this.runner.prepare(tx, reads);
      }
      const deadline = performance.now() + (this.options.maxBatchMs ?? 8);
      while (done < batch.length && (await this.runJob(tx, batch[done] as Job<Tx>, oneByOne))) {
        done++;
        if (performance.now() > deadline) break;
      }
      await this.runner.commit(tx);
    } catch (error) {
      if (tx !== undefined) await this.runner.rollback(tx).catch(() => {});
      if (error instanceof RetryTransaction) {
        this.retry(batch, error);
        return;
      }
      if (this.runner.isConflict?.(error)) {
        this.retryAll(batch);
        return;
      }
      const failure = this.runner.classify(error);
      if (!oneByOne && batch.length > 1 && this.runner.endUnit && !isUnavailable(failure)) {
        await this.runBatch(batch, true);
        return;
      }
      for (const job of batch) job.reject(failure);
      return;
    }
    // A unit that met another writer runs again first, in a transaction that holds nothing yet; so do the units
    // the time bound left out.
    this.queue.unshift(...batch.slice(done));
    const committed = batch.slice(0, done);
    if (committed.length > 0) this.options.onCommit?.((performance.now() - started) / 1000, committed.length);
    const durable = this.runner.durable?.(tx as Tx);
    if (!durable) {
      settle(committed);
      return;
    }
    const syncing: Promise<void> = durable
      .then(
        () => settle(committed),
        (error: unknown) => {
          const failure = this.runner.classify(error);
          for (const job of committed) job.reject(failure);
        },
      )
      .finally(() => this.syncing.delete(syncing));
    this.syncing.add(syncing);
  }

  /**
   * Nothing of the rolled-back transaction was answered: its units run again. The one that met another writer runs
   * first (it then waits for its locks instead of trying them), unless it met conflicts too often; one that failed
   * otherwise (text the database cannot store, a broken connection) gets its error alone.
   */
  private retry(batch: Job<Tx>[], failure: RetryTransaction): void {
    const failed = failure.job as Job<Tx>;
    const others = batch.filter((job) => job !== failed);
    if (!failure.conflict) {
      failed.reject(this.runner.classify(failure.error));
      this.queue.unshift(...others);
    } else if (failed.runs >= MAX_RUNS) {
      failed.reject(
        new TrackletError('store_unavailable', 'too much contention on the same data; retry', { retryAfter: 1 }),
      );
      this.queue.unshift(...others);
    } else {
      this.queue.unshift(failed, ...others);
    }
  }

  private retryOf(job: Job<Tx>, error: unknown): RetryTransaction {
    const conflict = this.runner.isConflict?.(error) ?? false;
    if (conflict) job.runs += 1;
    return new RetryTransaction(job as Job<unknown>, conflict, error);
  }

  /** A whole batch met another writer outside any one unit (e.g. a deadlock while preparing): it runs again. */
  private retryAll(batch: Job<Tx>[]): void {
    const again: Job<Tx>[] = [];
    for (const job of batch) {
      job.runs += 1;
      if (job.runs >= MAX_RUNS)
        job.reject(
          new TrackletError('store_unavailable', 'too much contention on the same data; retry', { retryAfter: 1 }),
        );
      else again.push(job);
    }
    this.queue.unshift(...again);
  }

  /** Runs one unit in its savepoint; false when it met another writer and must run again in the next transaction. */
  private async runJob(tx: Tx, job: Job<Tx>, oneByOne: boolean): Promise<boolean> {
    if (!job.savepoint) {
      try {
        job.outcome = { ok: true, value: await job.work(tx) };
      } catch (error) {
        // A refusal wrote nothing (the unit's promise): the unit fails, the transaction goes on.
        if (!(error instanceof TrackletError && error.status < 500)) throw this.retryOf(job, error);
        job.outcome = { ok: false, error };
      }
      // Whatever the database says of the writes sent here is this unit's failure, never a refusal.
      if (oneByOne && this.runner.endUnit)
        await this.runner.endUnit(tx).catch((error: unknown) => {
          throw this.retryOf(job, error);
        });
      this.runner.unitDone?.(tx);
      return true;
    }
    job.runs += 1;
    await this.runner.savepoint(tx);
    try {
      job.outcome = { ok: true, value: await job.work(tx) };
      await this.runner.release(tx);
    } catch (error) {
      await this.runner.rollbackToSavepoint(tx);
      if (this.runner.isConflict?.(error)) {
        if (job.runs < MAX_RUNS) return false;
        job.outcome = {
          ok: false,
          error: new TrackletError('store_unavailable', 'too much contention on the same data; retry', {
            retryAfter: 1,
          }),
        };
        return true;
      }
      job.outcome = { ok: false, error: this.runner.classify(error) };
    }
    return true;
  }
}

const isUnavailable = (failure: unknown) => failure instanceof TrackletError && failure.status >= 500;

function settle<Tx>(jobs: Job<Tx>[]): void {
  for (const job of jobs) {
    if (job.outcome?.ok) job.resolve(job.outcome.value);
    else job.reject(job.outcome?.error);
  }
}
