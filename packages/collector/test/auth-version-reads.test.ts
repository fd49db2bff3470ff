import { describe, expect, it } from 'vitest';
import { readsBegunAfterCall } from '../src/store/auth-cache.js';

/** A read the test finishes by hand: which read each caller got, and when each read began. */
function manualReads() {
  const begun: Array<{ id: number; finish: () => void }> = [];
  const read = () =>
    new Promise<number>((resolve) => {
      const id = begun.length + 1;
      begun.push({ id, finish: () => resolve(id) });
    });
  return { begun, read };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('auth version reads shared by concurrent requests', () => {
  it('shares one read among the callers of one event-loop turn, begun only after all of their calls', async () => {
    const { begun, read } = manualReads();
    const version = readsBegunAfterCall(read);
    const callers = [version(), version(), version()];
    // Not begun yet: a read begun at the first call would have begun before the second and third.
    expect(begun).toHaveLength(0);
    await tick();
    expect(begun).toHaveLength(1);
    begun[0]?.finish();
    expect(await Promise.all(callers)).toEqual([1, 1, 1]);
  });

  it('gives a caller that arrives while a read runs a read of its own, without waiting for the running one', async () => {
    const { begun, read } = manualReads();
    const version = readsBegunAfterCall(read);
    const first = version();
    await tick();
    expect(begun).toHaveLength(1);
    // Read 1 may have begun before a revoke this caller must see: it gets read 2, which begins at once.
    const later = version();
    await tick();
    expect(begun).toHaveLength(2);
    begun[1]?.finish();
    expect(await later).toBe(2);
    begun[0]?.finish();
    expect(await first).toBe(1);
  });

  it('passes a failed read to the callers that shared it, and the next caller reads again', async () => {
    let calls = 0;
    const version = readsBegunAfterCall(async () => {
      calls++;
      if (calls === 1) throw new Error('store down');
      return 7;
    });
    await expect(Promise.all([version(), version()])).rejects.toThrow('store down');
    expect(await version()).toBe(7);
    expect(calls).toBe(2);
  });
});
