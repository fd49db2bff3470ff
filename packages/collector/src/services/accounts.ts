import {
  type Account,
  type AccountWithKeys,
  allScopes,
  type CreateAccount,
  type CreateKey,
  defaultTimeZone,
  type IssuedKey,
  type KeyType,
  type RateLimit,
  type RateLimitInput,
  type Scope,
  type UpdateAccount,
} from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { generateKey } from '../keys.js';
import { type AccountRecord, noRateLimit } from '../store/records.js';
import type { Store, StoreTx } from '../store/store.js';

/** Accounts and keys, shared by the admin API and the `tracklet` command line. */
export function toAccount(a: AccountRecord): Account {
  return {
    id: a.id,
    name: a.name,
    allowed_origins: a.allowed_origins,
    allowed_events: a.allowed_events,
    rate_limit: a.rate_limit,
    timezone: a.timezone,
    created_at: new Date(a.created_at).toISOString(),
  };
}

/** Budgets given (a null one goes back to the server default) over the ones the account had; null resets both. */
function mergeRateLimit(current: RateLimit, patch: RateLimitInput | null | undefined): RateLimit {
  if (patch === null) return { ...noRateLimit };
  return { ...current, ...Object.fromEntries(Object.entries(patch ?? {}).filter(([, v]) => v !== undefined)) };
}

export async function issue(
  tx: StoreTx,
  accountId: number,
  type: KeyType,
  scopes = allScopes,
  now = Date.now(),
): Promise<IssuedKey> {
  // Publishable keys only ever post beacons: they carry no scope of the server API. Share links only read stats.
  const granted: Scope[] = type === 'publishable' ? [] : type === 'share' ? ['stats.read'] : [...scopes];
  const { key, prefix, hash } = generateKey(type);
  const record = await tx.createKey({
    account_id: accountId,
    type,
    prefix,
    hash,
    scopes: granted,
    created_at: now,
    revoked_at: null,
  });
  return { id: record.id, key, type, scopes: granted };
}

/** A new account with a publishable, a live and a test key; the full keys are returned this once only. */
export async function createAccountWithKeys(store: Store, input: CreateAccount): Promise<AccountWithKeys> {
  return store.write(async (tx) => {
    const now = Date.now();
    const account = await tx.createAccount({
      name: input.name,
      allowed_origins: input.allowed_origins ?? [],
      allowed_events: input.allowed_events ?? null,
      rate_limit: mergeRateLimit(noRateLimit, input.rate_limit),
      timezone: input.timezone ?? defaultTimeZone,
      created_at: now,
      updated_at: now,
    });
    const [publishable, live, test] = [
      await issue(tx, account.id, 'publishable'),
      await issue(tx, account.id, 'live'),
      await issue(tx, account.id, 'test'),
    ];
    return { ...toAccount(account), keys: { publishable: publishable.key, live: live.key, test: test.key } };
  });
}

export async function updateAccount(store: Store, id: number, patch: UpdateAccount): Promise<Account> {
  const account = await store.getAccount(id);
  if (!account) throw new TrackletError('account_not_found', `no account ${id}`);
  if (patch.name !== undefined) account.name = patch.name;
  if (patch.allowed_origins !== undefined) account.allowed_origins = patch.allowed_origins ?? [];
  if (patch.allowed_events !== undefined) account.allowed_events = patch.allowed_events;
  if (patch.rate_limit !== undefined) account.rate_limit = mergeRateLimit(account.rate_limit, patch.rate_limit);
  if (patch.timezone !== undefined) account.timezone = patch.timezone;
  account.updated_at = Date.now();
  await store.write((tx) => tx.saveAccount(account));
  return toAccount(account);
}

export async function issueKey(store: Store, accountId: number, input: CreateKey): Promise<IssuedKey> {
  if (!(await store.getAccount(accountId))) throw new TrackletError('account_not_found', `no account ${accountId}`);
  return store.write((tx) => issue(tx, accountId, input.type, input.scopes ?? allScopes));
}

export async function revokeKey(store: Store, id: number): Promise<void> {
  const revoked = await store.write((tx) => tx.revokeKey(id, Date.now()));
  if (!revoked) throw new TrackletError('key_not_found', `no live key ${id}`);
}
