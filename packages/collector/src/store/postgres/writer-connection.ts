import type pg from 'pg';

/**
 * The writer's one pooled client. A client that failed (server restarted, connection cut) is discarded, and the
 * next transaction takes a new one from the pool, so the store recovers by itself when PostgreSQL comes back.
 */
export class WriterConnection {
  private client: pg.PoolClient | null = null;
  private broken = false;
  /**
   * The client is inside a transaction no statement ran in yet: each COMMIT sends the next BEGIN with it, saving
   * one round trip a transaction. Such a transaction holds nothing: PostgreSQL takes no snapshot, lock or
   * transaction id until its first statement, so its start time (now(), which no statement here uses) is all it fixes.
   */
  begun = false;

  constructor(private readonly pool: pg.Pool) {}

  async acquire(): Promise<pg.PoolClient> {
    if (this.client && !this.broken) return this.client;
    this.discard();
    const client = await this.pool.connect();
    // Without a listener, pg's 'error' on a checked-out client (e.g. 57P01 admin shutdown) would crash the process.
    client.on('error', () => {
      if (this.client === client) this.broken = true;
    });
    client.on('end', () => {
      if (this.client === client) this.broken = true;
    });
    try {
      // Acknowledge only after the commit is flushed to the WAL on disk, whatever the server's default says; and
      // never end this session for the idle transaction it keeps open between group commits (`begun`).
      await client.query('SET synchronous_commit = on; SET idle_in_transaction_session_timeout = 0');
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    this.client = client;
    this.broken = false;
    this.begun = false;
    return client;
  }

  discard(): void {
    this.begun = false;
    if (!this.client) return;
    this.client.release(new Error('tracklet: writer connection discarded'));
    this.client = null;
  }

  /** Back to the pool, unless broken or inside a transaction (then closed: the readers must never get it). */
  release(): void {
    if (this.client && !this.broken && !this.begun) this.client.release();
    else this.discard();
    this.client = null;
  }
}
