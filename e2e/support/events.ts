import { expect } from '@playwright/test';
import type { StoredEvent } from '@tracklet/protocol';
import type { Collector } from './collector.js';

/** GET /v1/events (newest first, one page of at most 100) with a secret key. */
export async function listEvents(
  c: Collector,
  key: string,
  query: Record<string, string> = {},
): Promise<StoredEvent[]> {
  const r = await fetch(`${c.url}/v1/events?${new URLSearchParams({ limit: '100', ...query })}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (r.status != 200) throw new Error(`GET /v1/events: ${r.status} ${await r.text()}`);
  return (await r.json()) as StoredEvent[];
}

/** Every stored event matching `query`, newest first: pages through GET /v1/events with the `after_id` cursor. */
export async function listAllEvents(
  c: Collector,
  key: string,
  query: Record<string, string> = {},
): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await listEvents(c, key, { ...query, ...(all.length ? { after_id: String(all.at(-1)!.id) } : {}) });
    all.push(...page);
    if (page.length < 100) return all;
  }
}

type Expectation = {
  /** Filters for GET /v1/events, e.g. { event: 'page_view' }. */
  query?: Record<string, string>;
  /** Partial events that must be stored (each compared field by field as JSON). */
  expected?: Partial<StoredEvent>[];
  /** Partial events that must not be stored. */
  refuted?: Partial<StoredEvent>[];
  /** Pass once this many of `expected` are stored (default: all of them); the ones not found are left out. */
  min?: number;
  /**
   * No doubles and nothing else: each expected partial matches exactly one stored event, and every stored event
   * (matching `query`) is matched by one expected partial.
   */
  exactly?: boolean;
  /** How long to poll for `expected`, in ms (default: the config's expect timeout). */
  timeout?: number;
};

export const matches = (e: StoredEvent, want: Partial<StoredEvent>): boolean =>
  Object.entries(want).every(([k, v]) => JSON.stringify(e[k as keyof StoredEvent]) === JSON.stringify(v));

const show = (events: StoredEvent[]) =>
  JSON.stringify(
    events.map(({ id, event, url, contact_id, anonymous_id, data }) => ({
      id,
      event,
      url,
      contact_id,
      anonymous_id,
      data,
    })),
    null,
    1,
  );

/**
 * Pairs each expected partial with its own stored event, oldest first: two identical partials need two events.
 * Returns, per expected partial, its event or undefined.
 */
function assign(events: StoredEvent[], expected: Partial<StoredEvent>[]): (StoredEvent | undefined)[] {
  const free = [...events].sort((a, b) => a.id - b.id);
  return expected.map((w) => {
    const i = free.findIndex((e) => matches(e, w));
    return i < 0 ? undefined : free.splice(i, 1)[0];
  });
}

/**
 * The one assertion for stored events: polls GET /v1/events until `expected` partial events are stored (all, or
 * `min`), then checks that no `refuted` partial event is (and, with `exactly`, that nothing else or twice is).
 * Returns the stored events paired with `expected`, in the same order (each stored event pairs with one partial,
 * oldest first; with `min`, the ones not found are left out).
 *
 * "Nothing arrives" is only meaningful once the tracker has settled (support/tracker.ts `settle`), or with an
 * expected event that was sent after the refuted ones.
 */
export async function expectEvents(
  c: Collector,
  key: string,
  { query, expected = [], refuted = [], min = expected.length, exactly = false, timeout }: Expectation,
): Promise<StoredEvent[]> {
  let found: (StoredEvent | undefined)[] = [];
  await expect
    .poll(
      async () => {
        found = assign(await listAllEvents(c, key, query), expected);
        return found.filter(Boolean).length >= min;
      },
      {
        message: `stored events matching ${JSON.stringify(expected)} (at least ${min})`,
        ...(timeout ? { timeout } : {}),
      },
    )
    .toBe(true);
  const all = await listAllEvents(c, key, query);
  for (const r of refuted)
    expect(
      all.filter((e) => matches(e, r)),
      `refuted ${JSON.stringify(r)}`,
    ).toEqual([]);
  if (exactly) {
    found = assign(all, expected);
    const stray = all.filter((e) => !found.includes(e));
    expect(
      stray,
      `stored events nobody expected, or twice (query ${JSON.stringify(query ?? {})}); stored: ${show(all)}`,
    ).toEqual([]);
  }
  return found.filter((e): e is StoredEvent => !!e);
}
