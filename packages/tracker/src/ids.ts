/**
 * A time-sortable random id: base-36 milliseconds, then 16 random base-36 characters (~82 bits).
 * Used for event ids (the collector's idempotency key), anonymous ids and session ids.
 * getRandomValues, not randomUUID: randomUUID only exists on https pages.
 */
export const uid = (): string =>
  Date.now().toString(36) +
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b % 36).toString(36)).join('');
