// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { Identity, Order, Tracker } from '../src/config.js';
import { createTracker } from '../src/index.js';
import { load, names, useFetch } from './support.js';

describe('npm API', () => {
  it('has no side effects on import', async () => {
    vi.resetModules();
    await import('../src/index.js');
    expect(window.addEventListener).not.toHaveBeenCalled();
    expect(Object.keys(localStorage)).toEqual([]);
  });

  it('throws at once without a key', () => {
    expect(() => createTracker({} as { key: string })).toThrow(/needs \{ key/);
  });

  it.each(['Add to cart', '1st', '', 'a'.repeat(65), 'Ünïcode'])('throws for the event name %j', async (name) => {
    const t = await load();
    expect(() => t.track(name)).toThrow(/event name/);
  });

  it.each<[string, (t: Tracker) => void, RegExp]>([
    ['data that is an array', (t) => t.track('a', [] as never), /flat object/],
    ['a login without identity', (t) => t.login({ name: 'x' } as unknown as Identity), /login needs/],
    ['a confirmation without order_id', (t) => t.confirmation({ total: 1 } as unknown as Order), /order_id/],
    ['an unknown consent state', (t) => t.consent('yes' as never), /consent/],
  ])('throws for %s', async (_, call, message) => {
    const t = await load();
    expect(() => call(t)).toThrow(message);
  });

  it('never throws at runtime when storage and the network fail', async () => {
    const boom = () => {
      throw new Error('broken');
    };
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(boom);
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(boom);
    useFetch(vi.fn(boom));
    const t = await load();
    expect(() => {
      t.track('a', { x: 1 });
      t.login({ email: 'a@b.co' });
      t.update({ x: null });
      t.confirmation({ order_id: 1 });
      t.emailOpen();
      t.logout();
      history.pushState({}, '', '/next');
      window.dispatchEvent(new Event('pagehide'));
    }).not.toThrow();
    await expect(t.flush()).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
  });

  it('sends the reserved events under their contract names', async () => {
    const f = useFetch(vi.fn(async () => new Response('{"results":[]}')));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.page();
    t.login({ phone: '+15550100' });
    t.update({ a: 1 });
    t.confirmation({ order_id: 'o' });
    t.emailOpen();
    t.logout();
    await t.flush();
    expect(names(f)).toEqual(['page_view', 'login', 'update', 'confirmation', 'email_open', 'logout']);
  });

  it('tells the anonymous id its events carry, and a new one after logout', async () => {
    const f = useFetch(vi.fn(async () => new Response('{"results":[]}')));
    const t = await load('https://shop.example/', { autoPageViews: false });
    const before = t.anonymousId();
    t.track('a');
    await t.flush();
    const sent = JSON.parse(String(f.mock.calls[0]?.[1]?.body)).events[0];
    expect(sent.anonymous_id).toBe(before);
    t.logout();
    expect(t.anonymousId()).not.toBe(before);
  });
});
