// @vitest-environment happy-dom
import type { BeaconEvent } from '@tracklet/protocol';
import { describe, expect, it, vi } from 'vitest';
import { answers, collector, load, names, stored, useFetch } from './support.js';

const ev = (id: string): BeaconEvent => ({ id, event: 'e', anonymous_id: 'a' });
const queue = async () => {
  vi.resetModules();
  return import('../src/queue.js');
};
const grant = async () => (await import('../src/storage.js')).persist(true);

describe('persisted queue', () => {
  it('keeps at most 500 events, dropping the oldest', async () => {
    const q = await queue();
    await grant();
    for (let i = 0; i < 505; i++) q.enqueue(ev('e' + i));
    const ids = (stored('q') as [BeaconEvent, number][]).map((i) => i[0].id);
    expect(ids).toHaveLength(500);
    expect(ids[0]).toBe('e5');
    expect(ids.at(-1)).toBe('e504');
  });

  it('stores an event id only once', async () => {
    const q = await queue();
    await grant();
    q.enqueue(ev('x'));
    q.enqueue(ev('x'));
    expect(stored('q')).toHaveLength(1);
  });

  it('lets no other tab take an event while it is leased, and frees it when the lease ends', async () => {
    const tabA = await queue();
    await grant();
    tabA.enqueue(ev('x'));
    tabA.enqueue(ev('y'));
    expect(tabA.lease(1000, 21_000)[0].map((e) => e.id)).toEqual(['x', 'y']);
    const tabB = await queue(); // another tab: its own modules, the same localStorage
    await grant();
    tabB.enqueue(ev('z'));
    expect(tabB.lease(2000, 22_000)).toEqual([[ev('z')], 21_000]);
    expect(tabB.lease(21_000, 41_000)[0].map((e) => e.id)).toEqual(['x', 'y']);
  });

  it('removes acknowledged events only', async () => {
    const q = await queue();
    await grant();
    q.enqueue(ev('x'));
    q.enqueue(ev('y'));
    q.ack(['x']);
    expect((stored('q') as [BeaconEvent, number][]).map((i) => i[0].id)).toEqual(['y']);
  });

  it('retries events left unsent by an earlier page on the next page load', async () => {
    useFetch(answers(new TypeError('offline')));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('from_last_page');
    await t.flush();
    const f = useFetch(collector());
    await load('https://shop.example/next', { autoPageViews: false }); // leased until the failed fetch's retry time
    await vi.advanceTimersByTimeAsync(2000);
    expect(names(f)).toEqual(['from_last_page']);
    expect(stored('q')).toEqual([]);
  });

  it('never sends one stored event from two tabs at once', async () => {
    let release!: () => void;
    const slow = collector();
    const f = useFetch(
      vi.fn(async (u: string, i: RequestInit) => (await new Promise<void>((r) => (release = r)), slow(u, i))),
    );
    const tabA = await load('https://shop.example/', { autoPageViews: false });
    tabA.track('once');
    const inFlight = tabA.flush();
    const tabB = await load('https://shop.example/other', { autoPageViews: false });
    await tabB.flush();
    expect(f).toHaveBeenCalledTimes(1);
    release();
    await inFlight;
    expect(names(f)).toEqual(['once']);
  });
});
