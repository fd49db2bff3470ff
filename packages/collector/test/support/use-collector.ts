import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { AccountWithKeys } from '@tracklet/protocol';
import type { BuildOptions } from '../../src/app.js';
import { client, type Client, createAccount, startCollector, tempDir, type TestCollector } from './collector.js';

export interface UseCollectorOptions {
  /** More collector environment (rate limits, a JWT secret…). */
  env?: Record<string, string>;
  /** The new account's admin body (`name`, `allowed_events`…); `false` for no account. Default: `{}`. */
  account?: Record<string, unknown> | false;
  /** More buildApp options (the webhooks' clock and resolver). */
  build?: Omit<BuildOptions, 'logger' | 'logWriter'>;
}

/** A test file's collector: a TestCollector plus the account created with it. */
export interface CollectorFixture extends TestCollector {
  /** The temp directory (removed after the file's tests) and the database path in it. */
  readonly dir: string;
  readonly dbPath: string;
  readonly account: AccountWithKeys;
  readonly keys: AccountWithKeys['keys'];
  /** Clients with the account's live and test keys: usable at describe time, they read the key on each call. */
  readonly live: Client;
  readonly test: Client;
}

/**
 * Registers a beforeAll that starts a collector on a fresh temp directory's `t.db` (startCollector: SQLite,
 * PostgreSQL or log mode, per Vitest project) and creates one account, and an afterAll that stops it and removes the
 * directory. Its properties are readable inside tests and hooks registered after this call.
 */
export function useCollector(options: UseCollectorOptions = {}): CollectorFixture {
  const dir = tempDir();
  const dbPath = join(dir.path, 't.db');
  let running: TestCollector | undefined;
  let account: AccountWithKeys | undefined;
  const now = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useCollector: no ${what} yet (read it inside a test or a later hook)`);
    return value;
  };
  beforeAll(async () => {
    running = await startCollector(dbPath, options.env, options.build);
    if (options.account !== false) account = await createAccount(running, options.account || {});
  });
  afterAll(async () => {
    await running?.stop();
    dir.remove();
  });
  const lazyUrl = {
    get url() {
      return fixture.url;
    },
  };
  const fixture: CollectorFixture = {
    dir: dir.path,
    dbPath,
    get url() {
      return now(running, 'collector').url;
    },
    get config() {
      return now(running, 'collector').config;
    },
    get app() {
      return now(running, 'collector').app;
    },
    get account() {
      return now(account, 'account');
    },
    get keys() {
      return now(account, 'account').keys;
    },
    live: client(lazyUrl, () => fixture.keys.live),
    test: client(lazyUrl, () => fixture.keys.test),
    stop: () => now(running, 'collector').stop(),
    restart: async () => {
      running = await now(running, 'collector').restart();
      return fixture;
    },
  };
  return fixture;
}
