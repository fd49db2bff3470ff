import { jwtVerify } from 'jose';
import { scopeSchema, type Scope } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { hashSecret, keyTypeOf, lookupPrefix, safeEqual } from '../keys.js';
import type { AccountRecord, KeyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Auth } from './context.js';

const unauthorized = (why: string) => new TrackletError('unauthorized', why);

/**
 * Among the records of a full key's lookup prefix (read by `read`), the live one whose hash matches, compared in
 * constant time; null when the key is malformed, unknown or revoked.
 */
async function liveMatch<T>(
  key: string,
  read: (prefix: string) => Promise<T[]>,
  recordOf: (item: T) => KeyRecord,
): Promise<T | null> {
  if (!keyTypeOf(key)) return null;
  const hash = hashSecret(key);
  return (
    (await read(lookupPrefix(key))).find(
      (item) => safeEqual(recordOf(item).hash, hash) && recordOf(item).revoked_at === null,
    ) ?? null
  );
}

/** The live key record for a full key; null when unknown or revoked. */
export function findKey(store: Store, key: string): Promise<KeyRecord | null> {
  return liveMatch(
    key,
    (prefix) => store.findKeysByPrefix(prefix),
    (record) => record,
  );
}

/** The live key for a full key and its account, read together when the store can (one auth-version read). */
async function findKeyAndAccount(
  store: Store,
  key: string,
): Promise<{ key: KeyRecord; account: AccountRecord | null } | null> {
  if (store.findKeysWithAccounts) return liveMatch(key, store.findKeysWithAccounts.bind(store), (found) => found.key);
  const record = await findKey(store, key);
  return record && { key: record, account: await store.getAccount(record.account_id) };
}

function authFromKey(key: KeyRecord, account: AccountRecord | null): Auth {
  if (!account) throw unauthorized('the key belongs to no account');
  return { account, keyId: key.id, kind: key.type, scopes: key.scopes, test: key.type === 'test' };
}

async function authFromJwt(store: Store, secret: string, token: string): Promise<Auth> {
  let claims: Record<string, unknown>;
  try {
    // HS256 only: `alg: none` and every other algorithm are refused by the allow-list.
    ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      clockTolerance: 30,
    }));
  } catch {
    throw unauthorized('the bearer token is neither a known key nor a valid JWT');
  }
  const accountId = Number(claims.account_id);
  const account = Number.isInteger(accountId) ? await store.getAccount(accountId) : null;
  if (!account) throw unauthorized('the JWT names no known account_id');
  const scopes = String(claims.scope ?? '')
    .split(' ')
    .filter((s): s is Scope => scopeSchema.safeParse(s).success);
  return { account, keyId: null, kind: 'jwt', scopes, test: false };
}

/** Server API: `Authorization: Bearer <key or JWT>`; API keys are checked first (API.md "Keys and auth"). */
export async function authenticateBearer(
  store: Store,
  jwtSecret: string | null,
  header: string | undefined,
): Promise<Auth> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw unauthorized('send Authorization: Bearer <key>');
  const token = match[1];
  if (token.startsWith('tk_')) {
    const found = await findKeyAndAccount(store, token);
    if (!found) throw unauthorized('unknown or revoked key');
    return authFromKey(found.key, found.account);
  }
  if (!jwtSecret) throw unauthorized('unknown key');
  return authFromJwt(store, jwtSecret, token);
}

/** Beacons: a publishable key from the body, used from one of the account's allowed origins. */
export async function authenticatePublishable(store: Store, key: string, origin: string | null): Promise<Auth> {
  const type = keyTypeOf(key);
  const found = await findKeyAndAccount(store, key);
  if (!found) throw unauthorized('unknown or revoked key');
  if (type !== 'publishable') {
    throw new TrackletError('publishable_key_required', 'beacons take a tk_pub_ key; never put a secret key in a page');
  }
  const auth = authFromKey(found.key, found.account);
  const allowed = auth.account.allowed_origins;
  if (allowed.length > 0 && (!origin || !allowed.includes(origin))) {
    throw new TrackletError('origin_not_allowed', `origin ${origin ?? '(none)'} is not allowed for this key`);
  }
  return auth;
}
