import { describe, expect, it } from 'vitest';
import { readsBegunAfterCall } from '../src/store/auth-cache.js';

/** A read the test finishes by hand: which read each caller got, and when each read began. */
function manualReads() {
  const begun: Array<{ id: number; finish: () => void }> = [];
  const read = () => new Promise<number>((resolve) => {
    const id = begun.length + 1;
    begun.push({ id, finish: () => resolve(id) });
  });
  return { begun, read };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('auth version reads shared by concurrent requests', () => {
  it('answers a caller only with a read begun after its call, and shares one read among callers that wait for it', async () => {
    const { begun, read } = manualReads();
    const version = readsBegunAfterCall(read);
    const first = version();
    expect(begun).toHaveLength(1);
    // Three callers arrive while read 1 runs: it may have begun before a revoke they must see, so they wait for read 2.
    const waiting = [version(), version(), version()];
    expect(begun).toHaveLength(1);
    begun[0]?.finish();
    expect(await first).toBe(1);
    await tick();
    expect(begun).toHaveLength(2);
    begun[1]?.finish();
    expect(await Promise.all(waiting)).toEqual([2, 2, 2]);
  });

  it('starts a new read for a caller that arrives after the last one finished', async () => {
    const { begun, read } = manualReads();
    const version = readsBegunAfterCall(read);
    const first = version();
    begun[0]?.finish();
    await first;
    const later = version();
    expect(begun).toHaveLength(2);
    begun[1]?.finish();
    expect(await later).toBe(2);
  });
});
