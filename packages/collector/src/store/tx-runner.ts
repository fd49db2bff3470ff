/**
 * The transaction primitives a backend gives the group committer. `Plan` is what a unit may declare before it runs,
 * for a backend that reads ahead (prepare); the committer only hands it over.
 */
export interface TxRunner<Tx, Plan = never> {
  begin(): Promise<Tx>;
  /**
   * Optional, for backends that pay a round trip per statement: takes the locks and reads the rows of every unit of
   * the transaction at once, before the first unit runs. Writes the units make may then be held back until commit.
   */
  prepare?(tx: Tx, plans: Plan[]): Promise<void>;
  /**
   * Optional: sends what the unit that just ended wrote but the backend held back. Called only when a transaction
   * runs again after its commit failed in a way one unit may have caused, so that unit fails alone; otherwise the
   * commit sends everything at once.
   */
  endUnit?(tx: Tx): Promise<void>;
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
   * holds what it needs (a lock, a unique key). It then runs again, first, instead of failing.
   */
  isConflict?(error: unknown): boolean;
}

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
