import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TrackletError } from '../src/errors.js';
import { blankContact, eventColumns, type EventRecord } from '../src/store/records.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import type { Store } from '../src/store/store.js';
import { postgresAdminUrl } from './support/collector.js';
import { createDatabase } from './support/postgres.js';

const account = (name: string) => ({
  name,
  allowed_origins: [],
  allowed_events: null,
  rate_limit: { api_per_minute: null, beacons_per_minute: null },
  timezone: 'UTC',
  created_at: 1,
  updated_at: 1,
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** What only the PostgreSQL store has: several writers on one database, migrations raced, a server that cuts us off. */
describe('the PostgreSQL store', () => {
  const opened: Store[] = [];
  const open = async (url: string, options: Parameters<typeof openPostgresStore>[1] = {}) => {
    const store = await openPostgresStore(url, options);
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => {})));
  });

  it('runs each migration once when two collectors open an empty database at the same moment', async () => {
    const url = await createDatabase(postgresAdminUrl());
    await Promise.all([open(url), open(url), open(url)]);
    const versions = await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations ORDER BY version');
    // Every version once, in order (migrations are appended: 2 added the accounts' rate limits).
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
    expect(versions.length).toBeGreaterThanOrEqual(2);
  });

  it('commits the units before a lock another writer holds, and runs that unit first in the next transaction', async () => {
    const url = await createDatabase(postgresAdminUrl());
    const commits: number[] = [];
    const [mine, other] = [await open(url, { onCommit: (_s, size) => commits.push(size) }), await open(url)];
    let release = () => {};
    let locked = () => {};
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const otherDone = other.write(async (tx) => {
      await tx.lockIdentity(1, 'email:race@example.com');
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await holding;
    const order: string[] = [];
    const first = mine.write((tx) => tx.createAccount(account('before-the-lock'))).then(() => order.push('first'));
    const second = mine
      .write(async (tx) => {
        await tx.lockIdentity(1, 'email:race@example.com');
        return tx.createAccount(account('behind-the-lock'));
      })
      .then(() => order.push('second'));
    await first;
    expect(order).toEqual(['first']);
    release();
    await Promise.all([second, otherDone]);
    expect(order).toEqual(['first', 'second']);
    expect(commits).toEqual([1, 1]);
    expect(await mine.countAccounts()).toBe(2);
  });

  it('takes a new writer connection by itself after the server terminated the old one', async () => {
    const url = await createDatabase(postgresAdminUrl());
    const store = await open(url);
    await store.write((tx) => tx.createAccount(account('before')));
    const database = new URL(url).pathname.slice(1);
    await sql(postgresAdminUrl(), 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    const attempt = () =>
      store
        .write((tx) => tx.createAccount(account('after')))
        .then(
          () => 'ok',
          (error: unknown) => error,
        );
    const firstTry = await attempt();
    // The cut may be noticed only by the first write (a 503 the client retries); the next one must work.
    if (firstTry !== 'ok') {
      expect(firstTry).toBeInstanceOf(TrackletError);
      expect(firstTry).toMatchObject({ code: 'store_unavailable', status: 503 });
      expect(await attempt()).toBe('ok');
    }
    await store.ping();
    expect(await store.countAccounts()).toBe(2);
  });

  it('answers 400, not 500, for text PostgreSQL cannot store (NUL), and keeps the other units of the transaction', async () => {
    const store = await open(await createDatabase(postgresAdminUrl()));
    const results = await Promise.allSettled([
      store.write((tx) => tx.createAccount(account('fine'))),
      store.write((tx) => tx.createAccount(account('nul\u0000name'))),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'invalid_field', status: 400 } });
    expect(await store.countAccounts()).toBe(1);
  });

  it("begins a writer's next transaction with its COMMIT, and that open transaction holds no snapshot or id", async () => {
    const url = await createDatabase(postgresAdminUrl());
    const store = await open(url, { writers: 1 });
    await store.write((tx) => tx.createAccount(account('one')));
    const database = new URL(url).pathname.slice(1);
    const waiting = () =>
      sql<{ query: string; backend_xmin: string | null; backend_xid: string | null }>(
        postgresAdminUrl(),
        `SELECT query, backend_xmin, backend_xid FROM pg_stat_activity WHERE datname = $1 AND state = 'idle in transaction'`,
        [database],
      );
    expect(await waiting()).toEqual([{ query: 'COMMIT; BEGIN', backend_xmin: null, backend_xid: null }]);
    // The next transaction runs in it and leaves the one after begun in turn.
    await store.write((tx) => tx.createAccount(account('two')));
    expect(await store.countAccounts()).toBe(2);
    expect(await waiting()).toHaveLength(1);
  });

  /** The one statement of a transaction's locks and first reads (PostgresTx.prepare). */
  const lockAndReadText =
    'SELECT out_kind AS kind, out_row AS row FROM tracklet_lock_and_read($1, $2, $3, $4, $5, $6, $7, $8, $9)';
  const visitorReads = (anonymousId: string, key: string) => () => [
    {
      accountId: 1,
      locks: [`anonymous_id:${anonymousId}`],
      idempotencyKeys: [key],
      anonymousIds: [anonymousId],
      identities: [],
    },
  ];

  it("takes a transaction's locks and first reads in one statement: two round trips for a unit that only reads (without a savepoint, as the pipeline runs them)", async () => {
    const store = await open(await createDatabase(postgresAdminUrl()), { writers: 1 });
    await store.write((tx) => tx.createAccount(account('warm-up')));
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const found = await store.write({
        footprint: visitorReads('v1', 'k1'),
        run: async (tx) => {
          await tx.lockIdentity(1, 'anonymous_id:v1');
          return [await tx.contactIdForAnonymousId(1, 'v1'), await tx.findEventByIdempotencyKey(1, 'k1')];
        },
      });
      expect(found).toEqual([null, null]);
      const texts = spy.mock.calls.map(([query]) =>
        typeof query === 'string' ? query : (query as { text: string }).text,
      );
      expect(texts).toEqual([lockAndReadText, 'COMMIT; BEGIN']);
    } finally {
      spy.mockRestore();
    }
  });

  const identityReads =
    (...emails: string[]) =>
    () => [
      {
        accountId: 1,
        locks: emails.map((e) => `email:${e}`),
        idempotencyKeys: [],
        anonymousIds: [],
        identities: emails.map((e) => ['email', e] as const),
      },
    ];

  it("finds a unit's contacts by email in that one statement: two round trips for a unit of a known and an unknown email", async () => {
    const store = await open(await createDatabase(postgresAdminUrl()), { writers: 1 });
    const known = await store.write((tx) => tx.createContact({ ...blankContact(1), email: 'Known@Example.com' }, 1));
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      const found = await store.write({
        footprint: identityReads('known@example.com', 'nobody@example.com'),
        run: async (tx) => {
          await tx.lockIdentity(1, 'email:known@example.com');
          return [
            await tx.findContactBy(1, 'email', ' KNOWN@example.com'),
            await tx.findContactBy(1, 'email', 'nobody@example.com'),
          ];
        },
      });
      expect(found.map((c) => c?.id ?? null)).toEqual([known.id, null]);
      const texts = spy.mock.calls.map(([query]) =>
        typeof query === 'string' ? query : (query as { text: string }).text,
      );
      expect(texts).toEqual([lockAndReadText, 'COMMIT; BEGIN']);
    } finally {
      spy.mockRestore();
    }
  });

  it('finds a contact by the identity the transaction gave it, though the read ahead found none', async () => {
    const store = await open(await createDatabase(postgresAdminUrl()), { writers: 1 });
    const found = await store.write({
      footprint: identityReads('new@example.com', 'created@example.com'),
      run: async (tx) => {
        const contact = await tx.createContact(blankContact(1), 1);
        const none = await tx.findContactBy(1, 'email', 'new@example.com');
        contact.email = 'new@example.com';
        await tx.saveContact(contact, 2);
        const created = await tx.createContact({ ...blankContact(1), email: 'Created@example.com' }, 3);
        return [
          none,
          (await tx.findContactBy(1, 'email', 'new@example.com'))?.id === contact.id,
          (await tx.findContactBy(1, 'email', 'created@example.com'))?.id === created.id,
        ];
      },
    });
    expect(found).toEqual([null, true, true]);
  });

  it('moves a database of migration 4 to the function of migration 5, leaving one function', async () => {
    const url = await createDatabase(postgresAdminUrl());
    await (await open(url)).close();
    // Migration 4 as it was: the function without the identities' three arguments.
    await sql(
      url,
      `CREATE FUNCTION tracklet_lock_and_read(TEXT[], BOOLEAN, BIGINT[], TEXT[], BIGINT[], TEXT[])
      RETURNS TABLE (out_kind TEXT, out_row JSONB) LANGUAGE sql AS 'SELECT NULL::TEXT, NULL::JSONB WHERE false'`,
    );
    await sql(url, 'DELETE FROM schema_migrations WHERE version = 5');
    const store = await open(url, { writers: 1 });
    const functions = await sql<{ args: number }>(
      url,
      "SELECT pronargs AS args FROM pg_proc WHERE proname = 'tracklet_lock_and_read'",
    );
    expect(functions).toEqual([{ args: 9 }]);
    const known = await store.write((tx) => tx.createContact({ ...blankContact(1), email: 'kept@example.com' }, 1));
    const found = await store.write({
      footprint: identityReads('kept@example.com'),
      run: (tx) => tx.findContactBy(1, 'email', 'kept@example.com'),
    });
    expect(found?.id).toBe(known.id);
  });

  it("reads only once its locks are held: it sees what the lock's holder committed while it waited", async () => {
    const url = await createDatabase(postgresAdminUrl());
    const store = await open(url, { writers: 1 });
    await store.write((tx) => tx.createAccount(account('one')));
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended('1:anonymous_id:v2', 0))`);
      const reading = store.write({
        footprint: visitorReads('v2', 'k2'),
        run: (tx) => tx.contactIdForAnonymousId(1, 'v2'),
      });
      // The write waits on the advisory lock `other` holds: commit only once it does.
      const waiting = async () =>
        Number(
          (await other.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0]
            .n,
        );
      for (const until = Date.now() + 10_000; (await waiting()) === 0 && Date.now() < until;)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await waiting()).toBe(1);
      await other.query(
        `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at) VALUES (1, 'v2', 42, 1)`,
      );
      await other.query('COMMIT');
      expect(await reading).toBe(42);
    } finally {
      await other.end();
    }
  });

  const eventRecord = (id: number, event: string): EventRecord =>
    ({
      ...Object.fromEntries(eventColumns.map((c) => [c, null])),
      id,
      account_id: 1,
      contact_id: 1,
      event,
      data: {},
      test: false,
      generated: false,
      chain_depth: 0,
      occurred_at: 1,
      created_at: 1,
      updated_at: 1,
    }) as EventRecord;

  /**
   * Records when each statement goes on the wire (the protocol's Parse, or a simple Query) and each ReadyForQuery
   * that comes back (the end of one answer). Without pipelining, a statement queued behind another leaves only once
   * that one's ReadyForQuery arrived.
   */
  function traceWire() {
    const trace: string[] = [];
    const first = (text: string) => text.trim().split(/\s+/)[0] as string;
    const listening = new Map<pg.Connection, () => void>();
    const listen = (connection: pg.Connection) => {
      if (listening.has(connection)) return;
      const ready = () => {
        trace.push('ready');
      };
      listening.set(connection, ready);
      // Before the client's own listener, which sends what it queued.
      connection.prependListener('readyForQuery', ready);
    };
    const spies = [
      vi.spyOn(pg.Connection.prototype, 'parse').mockImplementation(function (this: pg.Connection, ...args: unknown[]) {
        listen(this);
        trace.push(`send ${first((args[0] as { text: string }).text)}`);
        return (originalParse as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof originalParse),
      vi.spyOn(pg.Connection.prototype, 'query').mockImplementation(function (this: pg.Connection, ...args: unknown[]) {
        listen(this);
        trace.push(`send ${first(args[0] as string)}`);
        return (originalSimpleQuery as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof originalSimpleQuery),
    ];
    return {
      trace,
      restore: () => {
        spies.forEach((spy) => spy.mockRestore());
        for (const [connection, ready] of listening) connection.removeListener('readyForQuery', ready);
      },
    };
  }
  const originalParse = pg.Connection.prototype.parse;
  const originalSimpleQuery = pg.Connection.prototype.query;

  it('sends the COMMIT right behind the held-back writes, before their answer: one round trip for both', async () => {
    const store = await open(await createDatabase(postgresAdminUrl()), { writers: 1 });
    await store.write((tx) => tx.createAccount(account('warm-up')));
    const { trace, restore } = traceWire();
    try {
      await store.write((tx) => tx.insertEvent(eventRecord(1, 'pipelined')));
    } finally {
      restore();
    }
    expect(trace).toEqual(['send WITH', 'send COMMIT;', 'ready', 'ready']);
    expect((await store.getEvent(1, 1))?.event).toBe('pipelined');
  });

  it('stores nothing of a transaction whose held-back writes fail, though its COMMIT was already sent', async () => {
    const store = await open(await createDatabase(postgresAdminUrl()), { writers: 1 });
    await store.write((tx) => tx.createAccount(account('warm-up')));
    const { trace, restore } = traceWire();
    let outcome: unknown;
    try {
      // The same event id twice: the one INSERT that carries both fails on the primary key, after the COMMIT left.
      outcome = await store
        .write(async (tx) => {
          await tx.insertEvent(eventRecord(7, 'first'));
          await tx.insertEvent(eventRecord(7, 'again'));
        })
        .then(
          () => 'stored',
          (error: unknown) => error,
        );
    } finally {
      restore();
    }
    expect(trace.slice(0, 2)).toEqual(['send WITH', 'send COMMIT;']);
    expect(trace.indexOf('ready')).toBeGreaterThan(1);
    expect(outcome).not.toBe('stored');
    expect(await store.getEvent(1, 7)).toBeNull();
    // The writer goes on: its next transaction commits.
    await store.write((tx) => tx.insertEvent(eventRecord(8, 'after')));
    expect((await store.getEvent(1, 8))?.event).toBe('after');
  });
});
