import { LRUCache } from 'lru-cache';
import type { AccountRecord, KeyRecord } from './records.js';
import type { Store } from './store.js';

/** The store's auth version, or why it could not be read. */
type Version = number | { error: unknown };

interface Entry<V> {
  value: V;
  /** The store's auth version read before the value was. */
  version: number;
}

/**
 * `read`, shared by concurrent callers without ever answering a caller with a read begun before its call: a read
 * begins when the event loop has run every callback of the current turn (setImmediate), and every caller of that turn
 * shares it. A caller arriving while a read runs does not wait for it to end: the next read begins at the end of its
 * own turn and may overlap the first (on PostgreSQL, on another pooled connection), so a request waits for one
 * round trip, not two. Under load that is one version read per turn of the event loop instead of one per request.
 */
export function readsBegunAfterCall<T>(read: () => Promise<T>): () => Promise<T> {
  let next: Promise<T> | null = null;
  return () => {
    next ??= new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        next = null;
        read().then(resolve, reject);
      });
    });
    return next;
  };
}

/**
 * The store with authentication's reads (`findKeysByPrefix`, `getAccount`) cached in this process. Every request
 * authenticates; uncached that is two queries (the keys of a prefix, then the account) before any work. A cached
 * row is used only while the store's auth version (bumped in the transaction of every key or account change, by
 * any process sharing the database) is the one read before the row was: a revoked key is refused at once by every
 * collector, for one single-row read per request (shared by the requests that arrive while it runs:
 * readsBegunAfterCall). Only found rows are cached, so guessing keys cannot fill it.
 */
export function cacheAuthReads(store: Omit<Store, 'findKeysWithAccounts'>): Store {
  const keys = new LRUCache<string, Entry<KeyRecord[]>>({ max: 10_000 });
  const accounts = new LRUCache<number, Entry<AccountRecord | null>>({ max: 10_000 });
  /**
   * The store's auth version, or why it could not be read: a collector in log mode keeps accepting events
   * into the log while PostgreSQL is down, authenticating with what it last read (docs/deploy.md).
   */
  const currentVersion = readsBegunAfterCall(() => store.authVersion().catch((error: unknown) => ({ error })));

  async function cached<K extends string | number, V>(
    cache: LRUCache<K, Entry<V>>,
    key: K,
    read: () => Promise<V>,
    keep: (v: V) => boolean,
    known?: Version,
  ) {
    // Only a read begun after this call: one begun before a revoke committed could still answer the old version.
    const version = known !== undefined ? known : await currentVersion();
    const hit = cache.get(key);
    if (typeof version !== 'number') {
      if (hit) return hit.value;
      throw version.error; // nothing cached: the store's own error answers
    }
    if (hit && hit.version === version) return hit.value;
    const value = await read();
    if (keep(value)) cache.set(key, { value, version });
    else cache.delete(key);
    return value;
  }

  const keysOf = (prefix: string, version?: Version) =>
    cached(
      keys,
      prefix,
      () => store.findKeysByPrefix(prefix),
      (found) => found.length > 0,
      version,
    );
  const accountOf = (id: number, version?: Version) =>
    cached(
      accounts,
      id,
      () => store.getAccount(id),
      (found) => found !== null,
      version,
    );

  return {
    ...store,
    findKeysByPrefix: (prefix) => keysOf(prefix),
    getAccount: (id) => accountOf(id),
    // One authentication, one version read: its keys and their accounts as of that version.
    findKeysWithAccounts: async (prefix) => {
      const version = await currentVersion();
      const found = await keysOf(prefix, version);
      return Promise.all(found.map(async (key) => ({ key, account: await accountOf(key.account_id, version) })));
    },
  };
}
