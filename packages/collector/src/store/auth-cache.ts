import { LRUCache } from 'lru-cache';
import type { AccountRecord, KeyRecord } from './records.js';
import type { Store } from './store.js';

interface Entry<V> {
  value: V;
  /** The store's auth version read before the value was. */
  version: number;
}

/**
 * The store with authentication's reads (`findKeysByPrefix`, `getAccount`) cached in this process. Every request
 * authenticates; uncached that is two queries (the keys of a prefix, then the account) before any work. A cached
 * row is used only while the store's auth version (bumped in the transaction of every key or account change, by
 * any process sharing the database) is the one read before the row was: a revoked key is refused at once by every
 * collector, for one single-row read per request. Only found rows are cached, so guessing keys cannot fill it.
 */
export function cacheAuthReads(store: Store): Store {
  const keys = new LRUCache<string, Entry<KeyRecord[]>>({ max: 10_000 });
  const accounts = new LRUCache<number, Entry<AccountRecord | null>>({ max: 10_000 });
  async function cached<K extends string | number, V>(cache: LRUCache<K, Entry<V>>, key: K, read: () => Promise<V>, keep: (v: V) => boolean) {
    // Never shared between lookups: a read begun before a revoke committed could still answer the old version.
    const version = await store.authVersion();
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = await read();
    if (keep(value)) cache.set(key, { value, version });
    else cache.delete(key);
    return value;
  }

  return {
    ...store,
    findKeysByPrefix: (prefix) => cached(keys, prefix, () => store.findKeysByPrefix(prefix), (found) => found.length > 0),
    getAccount: (id) => cached(accounts, id, () => store.getAccount(id), (found) => found !== null),
  };
}
