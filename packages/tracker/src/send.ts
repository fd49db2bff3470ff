import type { BeaconEvent, ResultsBody } from '@tracklet/protocol';
import * as limits from '@tracklet/protocol/limits';
import { cfg } from './config.js';
import { level } from './consent.js';
import { ack, hold, lease } from './queue.js';
import { log } from './util.js';

/** How long a flush holds its events against other tabs (a request that outlives it may be repeated: the
 * collector de-duplicates by event id). */
const LEASE_MS = 2e4;
/** The collector's beacon limit less room to spare (64,000 bytes): browsers also cap keepalive bodies at 64 KiB. */
export const MAX_BYTES = limits.maxBeaconBytes - 1536;

let timer: ReturnType<typeof setTimeout> | undefined;
let due = 1 / 0;
let tries = 0;

const bytes = (s: string): number => new Blob([s]).size;

/** Flushes in `ms` unless a flush is already due sooner. */
export const schedule = (ms: number): void => {
  if (Date.now() + ms < due) {
    clearTimeout(timer);
    due = Date.now() + ms;
    timer = setTimeout(() => {
      due = 1 / 0;
      void flush();
    }, ms);
  }
};

/** Splits events into beacon bodies of at most MAX_BYTES each (a single larger event goes alone and is refused). */
export const split = (events: BeaconEvent[]): [string, BeaconEvent[]][] => {
  const head = { key: cfg.key, sent_at: new Date().toISOString() };
  const out: BeaconEvent[][] = [];
  const size = bytes(JSON.stringify({ ...head, events: [] }));
  let n = size;
  for (const e of events) {
    const b = bytes(JSON.stringify(e)) + 1;
    if (!out[0] || n + b > MAX_BYTES) {
      out.unshift([]);
      n = size;
    }
    out[0]!.push(e);
    n += b;
  }
  return out.reverse().map((c) => [JSON.stringify({ ...head, events: c }), c]);
};

/** Exponential backoff with jitter (1 s, 2 s, 4 s … 5 min), or the server's Retry-After. */
const retryIn = (r?: Response): number => {
  const h = r?.headers.get('Retry-After');
  const ms = h ? +h * 1e3 || Date.parse(h) - Date.now() : 0;
  return ms > 0 ? ms : Math.min(3e5, 1e3 * 2 ** tries++) * (0.5 + Math.random() / 2);
};

/** POSTs one body and settles its events: acknowledged and refused ones leave the queue, the rest wait to retry. */
const post = async ([body, events]: [string, BeaconEvent[]]): Promise<void> => {
  const ids = events.map((e) => e.id);
  let r: Response | undefined;
  try {
    r = await fetch(cfg.api + '/v1/collect', {
      method: 'POST',
      keepalive: true,
      body,
      headers: { 'Content-Type': 'text/plain' },
    });
  } catch {}
  const s = r ? r.status : 0;
  if (!s || s == 408 || s == 429 || s > 499) {
    const ms = retryIn(r);
    hold(ids, Date.now() + ms);
    return schedule(ms);
  }
  ack(ids);
  if (!r!.ok) return log('dropped', s, events);
  tries = 0;
  for (const x of ((await r!.json()) as ResultsBody).results)
    if (x.status == 'rejected') log('rejected', events[x.index], x.errors);
};

/** This page's flushes on their way: flush() also waits for the answer to events an earlier one is sending. */
const sending = new Set<Promise<void>>();

/**
 * Sends every queued event that no tab holds. On page hide (`beacon`) it uses navigator.sendBeacon and keeps
 * the events queued: a later fetch gets them acknowledged (the collector de-duplicates by id).
 */
export const flush = async (beacon?: boolean): Promise<void> => {
  try {
    if (level() < 2) return;
    const now = Date.now();
    const [free, next] = lease(now, now + LEASE_MS);
    if (next < 1 / 0) schedule(next - now);
    const bodies = split(free);
    if (beacon) {
      for (const c of bodies) navigator.sendBeacon(cfg.api + '/v1/collect', new Blob([c[0]], { type: 'text/plain' }));
      return;
    }
    const mine = (async () => {
      for (const c of bodies) await post(c);
    })();
    sending.add(mine);
    // The batch timer's request may hold events queued before this call: "resolves when the collector answered".
    await Promise.all(sending).finally(() => sending.delete(mine));
  } catch (e) {
    log(e);
  }
};
