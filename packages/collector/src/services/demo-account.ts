import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccountWithKeys } from '@tracklet/protocol';
import type { Store } from '../store/store.js';
import { createAccountWithKeys } from './accounts.js';

/**
 * On a first start against an empty store, a `demo` account so a newcomer can click through at once. Keys are
 * stored hashed, so to show them again on later starts the demo's keys (and only the demo's) are kept in a local
 * file, readable by the owner only; delete it and the account to start over.
 */
export interface DemoAccount {
  account: AccountWithKeys;
  /** True when this start created it (an empty store). */
  created: boolean;
}

export async function ensureDemoAccount(store: Store, keysFile: string): Promise<DemoAccount | null> {
  if (existsSync(keysFile)) {
    const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as AccountWithKeys;
    if (await store.getAccount(saved.id)) return { account: saved, created: false };
  }
  if ((await store.countAccounts()) > 0) return null;
  const account = await createAccountWithKeys(store, { name: 'demo' });
  mkdirSync(dirname(keysFile), { recursive: true });
  writeFileSync(keysFile, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  return { account, created: true };
}
