import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeVisit, type VisitEvent, VisitDeltas, visitKey, visitOfEvent } from '../src/store/visit-rows.js';

const event: fc.Arbitrary<VisitEvent> = fc.record({
  account_id: fc.constantFrom(1, 2),
  test: fc.boolean(),
  session_id: fc.constantFrom('s1', 's2', null),
  contact_id: fc.integer({ min: 1, max: 4 }),
  event: fc.constantFrom('page_view', 'confirmation', 'add_to_cart'),
  amount: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
  url: fc.constantFrom('https://shop.example/', 'https://shop.example/p/1?x=1', 'https://shop.example/cart', null),
  referrer: fc.constantFrom('https://www.google.com/', 'https://news.ycombinator.com/x', null),
  utm_source: fc.constantFrom('newsletter', null),
  utm_medium: fc.constantFrom('email', null),
  utm_campaign: fc.constantFrom('spring', null),
  utm_term: fc.constant(null),
  utm_content: fc.constant(null),
  click_ids: fc.constantFrom<Record<string, string> | null>(null, { gclid: 'g1' }, { fbclid: 'f1' }),
  device_type: fc.constantFrom('desktop', 'mobile'),
  browser: fc.constantFrom('Chrome', 'Firefox'),
  os: fc.constantFrom('Linux', 'iOS'),
  country: fc.constantFrom('DE', 'FR', null),
  // Few distinct times: ties between events are common, as in one beacon.
  occurred_at: fc.integer({ min: 0, max: 5 }).map((n) => 1_700_000_000_000 + n * 1000),
});

describe('visit deltas', () => {
  it('hold the same visit rows as merging each event, in write order, into its visit by the database rule', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const deltas = new VisitDeltas();
        const expected = new Map<string, ReturnType<typeof visitOfEvent>>();
        for (const e of events) {
          deltas.add(e);
          const row = visitOfEvent(e);
          if (row === null) continue;
          const held = expected.get(visitKey(row));
          expected.set(visitKey(row), held ? mergeVisit(held, row) : row);
        }
        const sorted = [...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
        expect(deltas.take()).toEqual(sorted);
      }),
      { numRuns: 1000 },
    );
  });
});
