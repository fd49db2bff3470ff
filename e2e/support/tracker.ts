import type { BrowserContext, Page, Request } from '@playwright/test';

/** What support/site.ts gives every fixture page, whichever the build. */
type TrackletWindow = Window & {
  tracklet?: ((command: string, ...args: unknown[]) => unknown) & { q?: unknown };
  trackletStub?: unknown;
};

/** Resolves once the tracker runs: the tag replaced its queue stub, or the npm module created the tracker. */
export async function trackerReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as TrackletWindow;
    return typeof w.tracklet == 'function' && w.tracklet !== w.trackletStub;
  });
}

/** Calls `window.tracklet(command, ...args)` once the tracker runs; resolves with its (awaited) result. */
export async function tracklet(page: Page, command: string, ...args: unknown[]): Promise<unknown> {
  await trackerReady(page);
  return page.evaluate(([c, a]) => (window as TrackletWindow).tracklet!(c, ...a), [command, args] as const);
}

/** The tracker's persisted queue (localStorage `tracklet_q`): what it still has to deliver. */
export const queued = (page: Page): Promise<number> =>
  page.evaluate(() => (JSON.parse(localStorage.getItem('tracklet_q') || '[]') as unknown[] | null)?.length ?? 0);

/**
 * Waits until the collector acknowledged everything queued: flushes, then waits for the persisted queue to empty
 * (a retry after a failure empties it later). Use before checking that something did not arrive. Not right after
 * leaving a page: what the previous page sent with sendBeacon stays leased for 20 s before a fetch confirms it.
 */
export async function settle(page: Page): Promise<void> {
  await tracklet(page, 'flush');
  await page.waitForFunction(() => {
    const q = JSON.parse(localStorage.getItem('tracklet_q') || '[]') as unknown[] | null;
    return !q || q.length == 0;
  });
}

/** The visitor's anonymous id (what `anonymous_id` carries). */
export const anonymousId = async (page: Page): Promise<string> => (await tracklet(page, 'anonymousId')) as string;

/** localStorage keys the tracker wrote (prefix `tracklet_`). */
export const storedKeys = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('tracklet_'))
      .sort(),
  );

export type Beacon = { key: string; events: { id: string; event: string; [k: string]: unknown }[] };

/**
 * Records every request to /v1/collect of a page or a whole context: the tracker's fetches and its sendBeacon pings.
 * `bodies` and `beacons` are the fetches' bodies (raw and parsed): Playwright does not show a ping's Blob body.
 */
export function recordBeacons(target: Page | BrowserContext) {
  const requests: Request[] = [];
  target.on('request', (r) => {
    if (r.url().endsWith('/v1/collect') && r.method() == 'POST') requests.push(r);
  });
  return {
    requests,
    get bodies(): string[] {
      return requests.filter((r) => r.resourceType() == 'fetch').map((r) => r.postData() ?? '');
    },
    get beacons(): Beacon[] {
      return this.bodies.map((b) => JSON.parse(b) as Beacon);
    },
    get events(): Beacon['events'] {
      return this.beacons.flatMap((b) => b.events);
    },
  };
}

/** The next answered beacon of the page (the response to a tracker fetch to /v1/collect). */
export const nextCollectResponse = (page: Page) =>
  page.waitForResponse((r) => r.url().endsWith('/v1/collect') && r.request().method() == 'POST');
