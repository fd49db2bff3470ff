import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyType } from '@tracklet/protocol';

const keyPrefix: Record<KeyType, string> = {
  publishable: 'tk_pub_',
  live: 'tk_live_',
  test: 'tk_test_',
  share: 'tk_share_',
};
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Characters of the secret part stored in clear for lookup; the rest is only ever hashed. */
const LOOKUP_CHARS = 8;

function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // 248 = 4 × 62: rejecting bytes at or above it keeps every character equally likely.
  for (const byte of bytes) if (byte < 248 && out.length < length) out += alphabet[byte % 62];
  return out.length === length ? out : out + randomBase62(length - out.length);
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A new key: the full key (shown once), its lookup prefix and its hash (both stored). */
export function generateKey(type: KeyType): { key: string; prefix: string; hash: string } {
  const key = keyPrefix[type] + randomBase62(32);
  return { key, prefix: lookupPrefix(key), hash: hashSecret(key) };
}

export const lookupPrefix = (key: string) => key.slice(0, key.indexOf('_', 3) + 1 + LOOKUP_CHARS);

export function keyTypeOf(key: string): KeyType | null {
  for (const [type, prefix] of Object.entries(keyPrefix)) if (key.startsWith(prefix)) return type as KeyType;
  return null;
}

/** Constant-time comparison of two hex digests (or any two strings). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
