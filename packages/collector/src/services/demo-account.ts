import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccountWithKeys } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import { createAccountWithKeys } from './accounts.js';
import { createShare } from './stats-shares.js';

/**
 * On a first start against an empty store, a `demo` account so a newcomer can click through at once. Keys are
 * stored hashed, so to show them again on later starts the demo's keys (and only the demo's) are kept in a local
 * file, readable by the owner only; delete it and the account to start over.
 */
export interface DemoAccount {
  account: AccountWithKeys;
  /** A share link to the demo account's dashboard (relative to the collector), made once and kept with the keys. */
  dashboard: string;
  /** True when this start created it (an empty store). */
  created: boolean;
}

type Saved = AccountWithKeys & { dashboard?: string };

const save = (keysFile: string, saved: Saved) => {
  mkdirSync(dirname(keysFile), { recursive: true });
  writeFileSync(keysFile, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
};

/** The saved demo account with its dashboard share link, made (and saved) when an older file has none. */
async function withDashboard(store: Store, keysFile: string, saved: Saved, created: boolean): Promise<DemoAccount> {
  const { dashboard, ...account } = saved;
  if (dashboard) return { account, dashboard, created };
  const share = await createShare(store, account.id);
  save(keysFile, { ...account, dashboard: share.url });
  return { account, dashboard: share.url, created };
}

export async function ensureDemoAccount(store: Store, keysFile: string): Promise<DemoAccount | null> {
  if (existsSync(keysFile)) {
    const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as Saved;
    if (await store.getAccount(saved.id)) return withDashboard(store, keysFile, saved, false);
  }
  if ((await store.countAccounts()) > 0) return null;
  return withDashboard(store, keysFile, await createAccountWithKeys(store, { name: 'demo' }), true);
}
