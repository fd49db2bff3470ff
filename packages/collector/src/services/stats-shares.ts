import type { StatsShare } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { KeyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { issue } from './accounts.js';

const shareOf = (key: KeyRecord): StatsShare => ({ id: key.id, created_at: new Date(key.created_at).toISOString() });

/**
 * A dashboard share link (issue #19): a key of type `share` whose only scope is `stats.read`, so it reads aggregate
 * stats and nothing else (events, contacts, emails and IPs answer 403). Stored hashed like every key: the link is
 * shown once, when it is made.
 */
export async function createShare(
  store: Store,
  accountId: number,
): Promise<StatsShare & { token: string; url: string }> {
  const now = Date.now();
  const issued = await store.write((tx) => issue(tx, accountId, 'share', ['stats.read'], now));
  return {
    id: issued.id,
    created_at: new Date(now).toISOString(),
    token: issued.key,
    url: `/dashboard/s/${issued.key}`,
  };
}

/** The account's live share links, oldest first (their tokens are not kept, so not shown). */
export async function listShares(store: Store, accountId: number): Promise<StatsShare[]> {
  return (await store.listKeys(accountId)).filter((k) => k.type === 'share' && k.revoked_at === null).map(shareOf);
}

/** Revokes one of the account's share links; another account's, or any other key, is a 404. */
export async function deleteShare(store: Store, accountId: number, id: number): Promise<void> {
  const key = (await store.listKeys(accountId)).find((k) => k.id === id && k.type === 'share' && k.revoked_at === null);
  if (!key) throw new TrackletError('key_not_found', `no share link ${id}`);
  await store.write((tx) => tx.revokeKey(id, Date.now()));
}
