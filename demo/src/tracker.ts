import { createTracker, type Tracker } from '@tracklet/tracker';

/** The shop's one tracker, made with the npm API once the page knows the demo's publishable key. */
export let tracker: Tracker;

/** The demo account's dashboard (a read-only share link), when the collector made one. */
export let dashboardUrl: string | null = null;

export async function startTracker(): Promise<void> {
  const config = (await (await fetch('/demo/api/config')).json()) as { key: string; dashboard: string | null };
  const { key } = config;
  dashboardUrl = config.dashboard;
  // The collector serves this page, so its origin is the API.
  tracker = createTracker({ key, api: location.origin, batchMs: 300 });
}
