/** Who reads the stats: a live key the owner pasted (kept in sessionStorage only), or a share link's token. */
export type Credential = { kind: 'key' | 'share'; token: string };

const STORAGE = 'tracklet_dashboard_key';

/** A share link (`/dashboard/s/<token>`) wins over a remembered key: it is what this URL was opened for. */
export function currentCredential(): Credential | null {
  const share = /^\/dashboard\/s\/([^/?#]+)/.exec(location.pathname)?.[1];
  if (share) return { kind: 'share', token: decodeURIComponent(share) };
  const key = sessionStorage.getItem(STORAGE);
  return key ? { kind: 'key', token: key } : null;
}

export const rememberKey = (key: string): void => sessionStorage.setItem(STORAGE, key.trim());
export const forgetKey = (): void => sessionStorage.removeItem(STORAGE);
