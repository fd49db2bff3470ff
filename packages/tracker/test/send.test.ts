// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { API, KEY, answers, bodies, collector, load, names, posted, stored, useFetch } from './support.js';

const queued = () => ((stored('q') ?? []) as [{ event: string }, number][]).map((i) => i[0].event);

describe('delivery', () => {
  it('batches events of one window into one text/plain keepalive POST to /v1/collect', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('add_to_cart', { sku: 'A1' });
    t.track('checkout');
    await vi.advanceTimersByTimeAsync(999);
    expect(f).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(f).toHaveBeenCalledTimes(1);
    const [url, init] = f.mock.calls[0]!;
    expect(url).toBe(API + '/v1/collect');
    expect(init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'Content-Type': 'text/plain' } });
    expect(bodies(f)[0]).toMatchObject({
      key: KEY,
      events: [{ event: 'add_to_cart', data: { sku: 'A1' } }, { event: 'checkout' }],
    });
    expect(new Date(bodies(f)[0]!.sent_at).toISOString()).toBe(bodies(f)[0]!.sent_at);
  });

  it('gives every event its own time-sortable id', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    vi.advanceTimersByTime(5);
    t.track('b');
    await t.flush();
    const [a, b] = posted(f).map((e) => e.id);
    expect(a).not.toBe(b);
    expect([b, a].sort()).toEqual([a, b]);
  });

  it('resolves flush() only once the collector answered a request the batch timer already sent', async () => {
    const ok = collector();
    let answer = (): void => {};
    const f = useFetch(
      vi.fn((url: string, init: RequestInit) => new Promise<Response>((r) => (answer = () => r(ok(url, init))))),
    );
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(f).toHaveBeenCalledTimes(1);
    let done = false;
    const flushed = t.flush().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    answer();
    await flushed;
    expect(queued()).toEqual([]);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('removes created, duplicate, discarded and rejected events from the queue, logging the rejected', async () => {
    const status = { a: 'created', b: 'duplicate', c: 'discarded', d: 'rejected' } as Record<string, string>;
    const f = useFetch(collector((e) => status[e.event]!));
    const t = await load('https://shop.example/', { autoPageViews: false });
    for (const e of 'abcd') t.track(e);
    expect(queued()).toEqual(['a', 'b', 'c', 'd']);
    await t.flush();
    expect(f).toHaveBeenCalledTimes(1);
    expect(queued()).toEqual([]);
    expect(console.debug).toHaveBeenCalledWith(
      '[tracklet]',
      'rejected',
      expect.objectContaining({ event: 'd' }),
      undefined,
    );
  });

  it.each([500, 503, 408, 429])('keeps events after HTTP %i and retries them with backoff', async (code) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const f = useFetch(answers(code, code));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await t.flush();
    expect(queued()).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(990); // first retry after ~1 s
    expect(f).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(f).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1990); // then ~2 s
    expect(f).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(names(f)).toEqual(['a', 'a', 'a']);
    expect(queued()).toEqual([]);
  });

  it('retries after a network error, with jitter below the nominal delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const f = useFetch(answers(new TypeError('Failed to fetch')));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await t.flush();
    await vi.advanceTimersByTimeAsync(500);
    expect(f).toHaveBeenCalledTimes(2);
    expect(queued()).toEqual([]);
  });

  it('waits as long as Retry-After says on 429', async () => {
    const f = useFetch(answers(new Response('', { status: 429, headers: { 'Retry-After': '7' } })));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await t.flush();
    await vi.advanceTimersByTimeAsync(6990);
    expect(f).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(f).toHaveBeenCalledTimes(2);
  });

  it('accepts an HTTP date in Retry-After on 503', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const h = { 'Retry-After': 'Thu, 01 Jan 2026 00:01:00 GMT' };
    const f = useFetch(answers(new Response('', { status: 503, headers: h })));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await t.flush();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(f).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(f).toHaveBeenCalledTimes(2);
  });

  it.each([400, 401, 403, 413])('drops the payload with a debug log on HTTP %i', async (code) => {
    const f = useFetch(answers(code));
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    await t.flush();
    expect(queued()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(f).toHaveBeenCalledTimes(1);
    expect(console.debug).toHaveBeenCalledWith('[tracklet]', 'dropped', code, expect.any(Array));
  });

  it('splits payloads so each body stays under 64 KB, sending every event once', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    const big = 'é'.repeat(2000); // 2 bytes each in UTF-8: the limit is in bytes, not characters
    for (let i = 0; i < 60; i++) t.track('big', { i, a: big, b: big, c: big, d: big });
    await t.flush();
    const sizes = f.mock.calls.map((c) => new Blob([c[1].body as string]).size);
    expect(sizes.length).toBeGreaterThan(1);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(64_000);
    expect(posted(f).map((e) => e.data!.i)).toEqual([...Array(60).keys()]);
  });

  it('sends queued events with sendBeacon on pagehide and keeps them until a fetch acknowledges them', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false });
    t.track('a');
    window.dispatchEvent(new Event('pagehide'));
    const beacon = navigator.sendBeacon as unknown as ReturnType<typeof vi.fn>;
    expect(beacon).toHaveBeenCalledTimes(1);
    const [url, blob] = beacon.mock.calls[0] as [string, Blob];
    expect(url).toBe(API + '/v1/collect');
    expect(blob.type).toBe('text/plain');
    expect(JSON.parse(await blob.text())).toMatchObject({ key: KEY, events: [{ event: 'a' }] });
    expect(queued()).toEqual(['a']);
    await load('https://shop.example/next', { autoPageViews: false }); // the next page load
    await vi.advanceTimersByTimeAsync(20_000);
    expect(names(f)).toEqual(['a']);
    expect(queued()).toEqual([]);
  });

  it('flushes with sendBeacon when the page becomes hidden', async () => {
    await load();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    expect(navigator.sendBeacon).toHaveBeenCalledTimes(1);
  });

  it('honours a configured batch window', async () => {
    const f = useFetch(collector());
    const t = await load('https://shop.example/', { autoPageViews: false, batchMs: 5000 });
    t.track('a');
    await vi.advanceTimersByTimeAsync(4999);
    expect(f).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(f).toHaveBeenCalledTimes(1);
  });
});
