// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { collector, load, posted, useFetch } from './support.js';

describe('identity', () => {
  it('keeps the anonymous id across page loads, in localStorage and never in a cookie', async () => {
    const f = useFetch(collector());
    await (await load('https://shop.example/a')).flush();
    await (await load('https://shop.example/b')).flush();
    const [a, b] = posted(f);
    expect(a!.anonymous_id).toMatch(/^[a-z0-9]{20,}$/);
    expect(b!.anonymous_id).toBe(a!.anonymous_id);
    expect(document.cookie).toBe('');
  });

  it('falls back to memory when localStorage throws, and still sends', async () => {
    const boom = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(boom);
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(boom);
    const f = useFetch(collector());
    const t = await load('https://shop.example/');
    t.track('a');
    await t.flush();
    const [view, a] = posted(f);
    expect(a).toMatchObject({ event: 'a', anonymous_id: view!.anonymous_id, session_id: view!.session_id });
  });

  it('keeps the session within 30 minutes of inactivity and starts a new one after', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await vi.advanceTimersByTimeAsync(29 * 60_000);
    t.track('b');
    await vi.advanceTimersByTimeAsync(29 * 60_000);
    t.track('c');
    await vi.advanceTimersByTimeAsync(31 * 60_000);
    t.track('d');
    await t.flush();
    const [a, b, c, d] = posted(f).map((e) => e.session_id);
    expect([b, c]).toEqual([a, a]);
    expect(d).not.toBe(a);
  });

  it('sends login with email and attributes, then attaches the user to later events on later pages', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.login({ email: 'a@b.co', name: 'Ann', plan: 'pro' });
    await t.flush();
    await (await load('https://shop.example/next')).flush();
    const [login, view] = posted(f);
    expect(login).toMatchObject({
      event: 'login',
      user: { email: 'a@b.co' },
      data: { email: 'a@b.co', name: 'Ann', plan: 'pro' },
    });
    expect(view).toMatchObject({ event: 'page_view', user: { email: 'a@b.co' } });
    expect(view!.user).toEqual({ email: 'a@b.co' });
  });

  it('sends update with the attributes, null included', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.update({ plan: 'free', nickname: null });
    await t.flush();
    expect(posted(f)).toMatchObject([{ event: 'update', data: { plan: 'free', nickname: null } }]);
  });

  it('sends logout as the user, then forgets them and starts a new anonymous id and session', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.login({ external_id: 'u1' });
    t.logout();
    t.track('after');
    await t.flush();
    const [login, logout, after] = posted(f);
    expect(logout).toMatchObject({ event: 'logout', user: { external_id: 'u1' }, anonymous_id: login!.anonymous_id });
    expect(after!.user).toBeUndefined();
    expect(after!.anonymous_id).not.toBe(login!.anonymous_id);
    expect(after!.session_id).not.toBe(login!.session_id);
  });

  it('sends confirmation with its order and the total as top-level amount, and email_open', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.confirmation({ order_id: 'o1', total: 42.5, currency: 'EUR' });
    t.emailOpen({ campaign: 'nov' });
    await t.flush();
    expect(posted(f)).toMatchObject([
      { event: 'confirmation', amount: 42.5, data: { order_id: 'o1', total: 42.5, currency: 'EUR' } },
      { event: 'email_open', data: { campaign: 'nov' } },
    ]);
  });
});
