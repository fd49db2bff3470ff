import { TrackletError } from '../errors.js';
import type { GroupCommitOptions, TxRunner } from './tx-runner.js';

interface Job<Tx, Plan> {
  work: (tx: Tx) => Promise<unknown>;
  plan: Plan | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Times it met another writer. */
  conflicts: number;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** A unit threw (or the database refused what it sent): the failure of its transaction is pinned on it. */
class UnitFailed<Tx, Plan> extends Error {
  constructor(
    readonly job: Job<Tx, Plan>,
    readonly error: unknown,
  ) {
    super('a unit of work failed');
  }
}

/** A unit that keeps meeting conflicts gives up after this many runs, with a 503 the client retries. */
const MAX_RUNS = 10;

const isRefusal = (error: unknown) => error instanceof TrackletError && error.status < 500;
const isUnavailable = (failure: unknown) => failure instanceof TrackletError && failure.status >= 500;
const contention = () =>
  new TrackletError('store_unavailable', 'too much contention on the same data; retry', { retryAfter: 1 });

/**
 * One writer: units of work submitted while a transaction runs wait and then share the next one, and every unit's
 * promise settles only after that transaction committed durably. Units run without savepoints (Store's contract: a
 * refusal comes before the first write), so a unit that fails otherwise fails its transaction, which runs again
 * without it (recover).
 */
export class GroupCommitter<Tx, Plan = never> {
  private queue: Job<Tx, Plan>[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  /** Transactions committed whose durability (and so whose units' answers) is still awaited. */
  private syncing = new Set<Promise<void>>();

  constructor(
    private readonly runner: TxRunner<Tx, Plan>,
    private readonly options: GroupCommitOptions,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  submit<T>(work: (tx: Tx) => Promise<T>, plan?: Plan): Promise<T> {
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new TrackletError('store_overloaded', 'the writer queue is full; retry shortly', { retryAfter: 1 }),
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, plan, resolve: resolve as (v: unknown) => void, reject, conflicts: 0 });
      if (!this.running) this.start();
    });
  }

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
      await this.runBatch(this.queue.splice(0, this.options.maxBatch));
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
   * One transaction: prepare every unit's plan at once, run the units, commit. `careful`: nothing is prepared ahead
   * and each unit's held-back writes are sent at its end, so the unit whose writes the database refuses fails alone.
   */
  private async runBatch(batch: Job<Tx, Plan>[], careful = false): Promise<void> {
    const started = performance.now();
    let tx: Tx | undefined;
    let done = 0;
    try {
      tx = await this.runner.begin();
      // A unit that met another writer runs first in a transaction that holds nothing yet, so it may wait for what
      // it needs: nothing is prepared ahead then.
      const plans =
        careful || (batch[0] as Job<Tx, Plan>).conflicts > 0
          ? []
          : batch.filter((job) => job.plan !== undefined).map((job) => job.plan as Plan);
      if (plans.length > 0) await this.runner.prepare?.(tx, plans);
      const deadline = performance.now() + (this.options.maxBatchMs ?? 8);
      while (done < batch.length) {
        await this.runJob(tx, batch[done++] as Job<Tx, Plan>, careful);
        if (performance.now() > deadline) break;
      }
      await this.runner.commit(tx);
    } catch (error) {
      if (tx !== undefined) await this.runner.rollback(tx).catch(() => {});
      await this.recover(batch, error, careful);
      return;
    }
    // The units the time bound left out run first in the next transaction.
    this.queue.unshift(...batch.slice(done));
    this.settleWhenDurable(tx, batch.slice(0, done), started);
  }

  private async runJob(tx: Tx, job: Job<Tx, Plan>, careful: boolean): Promise<void> {
    try {
      job.outcome = { ok: true, value: await job.work(tx) };
    } catch (error) {
      if (!isRefusal(error)) throw new UnitFailed(job, error);
      job.outcome = { ok: false, error };
    }
    // Whatever the database says of the writes sent here is this unit's failure, never a refusal.
    if (careful && this.runner.endUnit)
      await this.runner.endUnit(tx).catch((error: unknown) => {
        throw new UnitFailed(job, error);
      });
  }

  /**
   * The one way a transaction fails: it was rolled back and nothing of it answered. When it met another writer, the
   * unit that did (or the whole batch, when the lock was met before any unit ran) runs again first, now waiting for
   * what it needs. A unit that failed otherwise gets its error, and the others run again. A failure pinned on no unit
   * (the commit refused held-back writes) runs the batch again carefully, unless the store itself is unavailable.
   */
  private async recover(batch: Job<Tx, Plan>[], error: unknown, careful: boolean): Promise<void> {
    const failed = error instanceof UnitFailed ? (error.job as Job<Tx, Plan>) : undefined;
    const cause = error instanceof UnitFailed ? error.error : error;
    const others = batch.filter((job) => job !== failed);
    if (this.runner.isConflict?.(cause)) {
      const blamed = failed ? [failed] : batch;
      for (const job of blamed) if (++job.conflicts >= MAX_RUNS) job.reject(contention());
      this.queue.unshift(...blamed.filter((job) => job.conflicts < MAX_RUNS), ...(failed ? others : []));
      return;
    }
    const failure = this.runner.classify(cause);
    if (failed) {
      failed.reject(failure);
      this.queue.unshift(...others);
    } else if (!careful && batch.length > 1 && this.runner.endUnit && !isUnavailable(failure)) {
      await this.runBatch(batch, true);
    } else {
      for (const job of batch) job.reject(failure);
    }
  }

  private settleWhenDurable(tx: Tx, committed: Job<Tx, Plan>[], started: number): void {
    if (committed.length > 0) this.options.onCommit?.((performance.now() - started) / 1000, committed.length);
    const durable = this.runner.durable?.(tx);
    if (!durable) return settle(committed);
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
}

function settle<Tx, Plan>(jobs: Job<Tx, Plan>[]): void {
  for (const job of jobs) {
    if (job.outcome?.ok) job.resolve(job.outcome.value);
    else job.reject(job.outcome?.error);
  }
}
