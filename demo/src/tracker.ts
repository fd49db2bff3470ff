import { createTracker, type Tracker } from '@tracklet/tracker';

/** The shop's one tracker, made with the npm API once the page knows the demo's publishable key. */
export let tracker: Tracker;

export async function startTracker(): Promise<void> {
  const { key } = (await (await fetch('/demo/api/config')).json()) as { key: string };
  // The collector serves this page, so its origin is the API.
  tracker = createTracker({ key, api: location.origin, batchMs: 300 });
}
