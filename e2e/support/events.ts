import { expect } from '@playwright/test';
import type { StoredEvent } from '@tracklet/protocol';
import type { Collector } from './collector.js';

/** GET /v1/events (newest first) with a secret key. */
export async function listEvents(c: Collector, key: string, query: Record<string, string> = {}): Promise<StoredEvent[]> {
  const r = await fetch(`${c.url}/v1/events?${new URLSearchParams({ limit: '100', ...query })}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (r.status != 200) throw new Error(`GET /v1/events: ${r.status} ${await r.text()}`);
  return (await r.json()) as StoredEvent[];
}

type Expectation = {
  /** Filters for GET /v1/events, e.g. { event: 'page_view' }. */
  query?: Record<string, string>;
  expected?: Partial<StoredEvent>[];
  refuted?: Partial<StoredEvent>[];
};

/**
 * The one assertion for stored events: polls until every `expected` partial event is stored, then checks that
 * no `refuted` partial event is. Returns the stored events matching `expected`, in the same order.
 */
export async function expectEvents(c: Collector, key: string, { query, expected = [], refuted = [] }: Expectation): Promise<StoredEvent[]> {
  const matches = (e: StoredEvent, want: Partial<StoredEvent>) =>
    Object.entries(want).every(([k, v]) => JSON.stringify(e[k as keyof StoredEvent]) === JSON.stringify(v));
  let found: StoredEvent[] = [];
  await expect
    .poll(async () => {
      const all = await listEvents(c, key, query);
      found = expected.map((w) => all.find((e) => matches(e, w))!).filter(Boolean);
      return found.length;
    }, { message: `stored events matching ${JSON.stringify(expected)}` })
    .toBe(expected.length);
  const all = await listEvents(c, key, query);
  for (const r of refuted) expect(all.filter((e) => matches(e, r)), `refuted ${JSON.stringify(r)}`).toEqual([]);
  return found;
}
