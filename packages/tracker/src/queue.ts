import type { BeaconEvent } from '@tracklet/protocol';
import * as limits from '@tracklet/protocol/limits';
import { get, set } from './storage.js';

/** A stored event and the time (ms) until which a tab holds it: in flight, or waiting for its retry. */
type Item = [BeaconEvent, number];

/** Unsent events kept across page loads; past this the oldest are dropped. As many as one beacon may carry, so
 * send.ts splits beacons by bytes alone. */
export const MAX_QUEUE = limits.maxBeaconEvents;

const load = (): Item[] => get('q') || [];
const save = (q: Item[]): void => set('q', q.slice(-MAX_QUEUE));
const has = (ids: string[], i: Item): boolean => ids.includes(i[0].id);

/** Adds an event unless one with its id is already queued. */
export const enqueue = (e: BeaconEvent): void => {
  const q = load();
  if (!q.some((i) => has([e.id], i))) q.push([e, 0]);
  save(q);
};

/**
 * Leases every free event until `until`, so no other tab sends it meanwhile, and returns them
 * with the earliest time another lease ends (Infinity when none).
 */
export const lease = (now: number, until: number): [BeaconEvent[], number] => {
  const q = load();
  const free = q.filter((i) => i[1] <= now);
  let next = 1 / 0;
  for (const i of q) i[1] > now ? (next = Math.min(next, i[1])) : (i[1] = until);
  save(q);
  return [free.map((i) => i[0]), next];
};

/** Removes acknowledged (or dropped) events. */
export const ack = (ids: string[]): void => save(load().filter((i) => !has(ids, i)));

/** Keeps events leased until their retry time. */
export const hold = (ids: string[], until: number): void => save(load().map((i) => (has(ids, i) && (i[1] = until), i)));
