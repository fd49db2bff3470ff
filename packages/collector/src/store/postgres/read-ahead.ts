import type pg from 'pg';
import { toStoredEvent } from '../output.js';
import type { Footprint } from '../store.js';
import { identityColumn } from './contact-statements.js';
import { WriterConflict } from './postgres-errors.js';
import { contactFromRow, eventFromRow, type Row } from './rows.js';
import type { TxCache } from './tx-cache.js';

/** The call of migration 5's function (lock-and-read-sql.ts). */
const lockAndReadCall =
  'SELECT out_kind AS kind, out_row AS row FROM tracklet_lock_and_read($1, $2, $3, $4, $5, $6, $7, $8, $9)';

/** The distinct tuples (account, text…) not yet in `known`, which keys them by their parts joined with `:`. */
function unseen<T extends readonly [number, ...string[]]>(tuples: T[], known: Map<string, unknown>): T[] {
  const wanted = new Map<string, T>();
  for (const tuple of tuples) {
    const key = tuple.join(':');
    if (!known.has(key)) wanted.set(key, tuple);
  }
  return [...wanted.values()];
}

/** `account:field:value` → the lowest id of the live contacts among `rows` holding that identity. */
function identityHolders(rows: Array<{ kind: string; row: Row }>): Map<string, number> {
  const holders = new Map<string, number>();
  for (const { kind, row } of rows) {
    if (kind !== 'contact' || row.merged_into !== null) continue;
    for (const [field, column] of Object.entries(identityColumn)) {
      const value = row[column];
      if (typeof value !== 'string') continue;
      const key = `${row.account_id}:${field}:${value}`;
      const id = Number(row.id);
      if (id < (holders.get(key) ?? Infinity)) holders.set(key, id);
    }
  }
  return holders;
}

/** What the footprints name that the cache does not hold yet, each once (a beacon names its visitor per event). */
function wanted(footprints: Footprint[], cache: TxCache) {
  return {
    locks: [...new Set(footprints.flatMap((f) => f.locks.map((l) => `${f.accountId}:${l}`)))]
      .filter((k) => !cache.locked.has(k))
      .sort(),
    keys: unseen(
      footprints.flatMap((f) => f.idempotencyKeys.map((k) => [f.accountId, k] as const)),
      cache.idempotency,
    ),
    visitors: unseen(
      footprints.flatMap((f) => f.anonymousIds.map((id) => [f.accountId, id] as const)),
      cache.anonymousIds,
    ),
    identities: unseen(
      footprints.flatMap((f) => f.identities.map(([field, value]) => [f.accountId, field, value] as const)),
      cache.identities,
    ),
  };
}

function remember(cache: TxCache, want: ReturnType<typeof wanted>, rows: Array<{ kind: string; row: Row }>): void {
  for (const key of want.locks) cache.locked.add(key);
  for (const [a, k] of want.keys) cache.idempotency.set(`${a}:${k}`, null);
  for (const [a, id] of want.visitors) cache.anonymousIds.set(`${a}:${id}`, null);
  const holders = identityHolders(rows);
  for (const [a, field, value] of want.identities)
    cache.identities.set(`${a}:${field}:${value}`, holders.get(`${a}:${field}:${value}`) ?? null);
  for (const { kind, row } of rows) {
    if (kind === 'event') {
      cache.idempotency.set(`${row.account_id}:${row.idempotency_key}`, {
        event: toStoredEvent(eventFromRow(row)),
        requestHash: row.request_hash as string | null,
      });
    } else if (kind === 'contact') cache.hold(contactFromRow(row));
    else if (kind === 'contact_id') cache.freshContactIds.push(Number(row));
    else cache.anonymousIds.set(`${row.account_id}:${row.anonymous_id}`, row.contact_id as number);
  }
}

/**
 * Every lock the footprints name, then their idempotency keys, anonymous ids and identities, in one statement: the
 * function of migrations 4 and 5 (lock-and-read-sql.ts) reads only once the locks are held, in one sorted order, only
 * tried when the transaction already holds locks (`held`). What it reads is read under its lock, so the cache keeps
 * it until commit. `flush` sends the held-back writes first when rows are to be read.
 */
export async function readAhead(
  client: pg.PoolClient,
  cache: TxCache,
  held: boolean,
  footprints: Footprint[],
  flush: () => Promise<void>,
): Promise<void> {
  const want = wanted(footprints, cache);
  const reads = want.keys.length + want.visitors.length + want.identities.length;
  if (want.locks.length === 0 && reads === 0) return;
  if (reads > 0) await flush();
  const { keys, visitors, identities } = want;
  const { rows } = await client.query<{ kind: string; row: Row }>(lockAndReadCall, [
    want.locks,
    held,
    keys.map(([a]) => a),
    keys.map(([, k]) => k),
    visitors.map(([a]) => a),
    visitors.map(([, id]) => id),
    identities.map(([a]) => a),
    identities.map(([, f]) => f),
    identities.map(([, , v]) => v),
  ]);
  if (rows[0]?.kind === 'conflict') throw new WriterConflict(want.locks.join(' '));
  remember(cache, want, rows);
}
