import * as crypto from 'node:crypto';

/** Sorts a few keys in place (insertion sort: objects here have a handful); the order of `a < b`, as `sort()`'s. */
function sortKeys(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * JSON with object keys sorted, so the same body hashes the same whatever order its keys came in. Stored hashes
 * are compared with new ones, so the text never changes: keys with an undefined value are left out, and an array
 * item JSON cannot write (undefined) is empty (test/request-hash.test.ts holds it to the first version's text).
 */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + (canonical(value[i]) ?? '');
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(object));
  let text = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonical(item)}`;
  }
  return `${text}}`;
}

/** SHA-256 in base64url: the one-shot `crypto.hash` where Node has it (20.12+), else a Hash object. */
const sha256 =
  typeof crypto.hash === 'function'
    ? (text: string) => crypto.hash('sha256', text, 'base64url')
    : (text: string) => crypto.createHash('sha256').update(text).digest('base64url');

/** What an idempotency key is bound to: a replay must send the same body (API.md, POST /v1/events). */
export const requestHash = (body: unknown) => sha256(canonical(body));
