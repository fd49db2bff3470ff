import fc from 'fast-check';
import type { StoredEvent } from '@tracklet/protocol';
import { describe, expect, it } from 'vitest';
import { storedEventOf, toStoredEvent } from '../src/store/output.js';
import { eventColumns, type EventRecord } from '../src/store/records.js';
import { eventParams } from '../src/store/sqlite/rows.js';

/** The first versions, kept as the reference: the stored event every read returns, and SQLite's INSERT parameters. */
const iso = (ms: number) => new Date(ms).toISOString();
function firstToStoredEvent(e: EventRecord): StoredEvent {
  const { request_hash: _hash, occurred_at, created_at, updated_at, ...fields } = e;
  return { ...fields, occurred_at: iso(occurred_at), created_at: iso(created_at), updated_at: iso(updated_at) };
}
const firstEventParams = (e: EventRecord): unknown[] =>
  eventColumns.map((column) => {
    if (column === 'data') return JSON.stringify(e.data);
    if (column === 'click_ids') return e.click_ids && JSON.stringify(e.click_ids);
    if (column === 'test' || column === 'generated') return e[column] ? 1 : 0;
    return e[column];
  });

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const text = fc.option(fc.string({ maxLength: 8 }), { nil: null });
const time = fc.oneof(fc.integer({ min: 0, max: 8.64e15 }), fc.constantFrom(1795000000000, 1795000000123));
/** An event record with its fields in column order, as persist-event.ts builds it. */
const record: fc.Arbitrary<EventRecord> = fc
  .record({
    id: fc.nat(),
    account_id: fc.nat(),
    contact_id: fc.nat(),
    user_id: fc.option(fc.nat(), { nil: null }),
    anonymous_id: text,
    session_id: text,
    event: fc.string(),
    amount: fc.option(fc.double(), { nil: null }),
    data: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null))),
    idempotency_key: text,
    request_hash: text,
    resource_uid: text,
    resource_name: text,
    resource_url: text,
    url: text,
    title: text,
    test: fc.boolean(),
    generated: fc.boolean(),
    chain_depth: fc.nat(),
    ip: text,
    user_agent: text,
    browser: text,
    os: text,
    device_type: text,
    referrer: text,
    utm_source: text,
    utm_medium: text,
    utm_term: text,
    utm_content: text,
    utm_campaign: text,
    click_ids: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }),
    country: text,
    occurred_at: time,
    created_at: time,
    updated_at: time,
  })
  .map((r) => Object.fromEntries(eventColumns.map((c) => [c, r[c]])) as unknown as EventRecord);

/** Order-sensitive comparison. */
const same = (a: unknown, b: unknown) => {
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(a).toStrictEqual(b);
};

describe('the stored event of a record', () => {
  it("is the first version's, fields in the same order, for records in column order", () => {
    fc.assert(
      fc.property(record, (r) => {
        same(toStoredEvent(r), firstToStoredEvent(r));
        same(storedEventOf(r), firstToStoredEvent(r));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('keeps the fields of a record in any other order (jsonb), and any field it has beyond the columns', () => {
    fc.assert(
      fc.property(record, fc.nat(), (r, n) => {
        const keys = Object.keys(r);
        const shuffled = Object.fromEntries(
          [...keys.slice(n % keys.length), ...keys.slice(0, n % keys.length)].map((k) => [
            k,
            r[k as keyof EventRecord],
          ]),
        );
        const extra = { ...shuffled, extra_column: 1 } as unknown as EventRecord;
        same(toStoredEvent(shuffled as unknown as EventRecord), firstToStoredEvent(shuffled as unknown as EventRecord));
        same(toStoredEvent(extra), firstToStoredEvent(extra));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('throws for an invalid time, as before, even right after converting a valid one', () => {
    fc.assert(
      fc.property(record, (r) => {
        toStoredEvent(r);
        expect(() => toStoredEvent({ ...r, created_at: Number.NaN })).toThrow(RangeError);
        expect(() => storedEventOf({ ...r, occurred_at: 9e15 })).toThrow(RangeError);
      }),
      { seed, numRuns: 20 },
    );
  });
});

describe('SQLite INSERT parameters of an event', () => {
  it("are the first version's, in eventColumns order", () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(eventParams(r)).toStrictEqual(firstEventParams(r));
      }),
      { seed, numRuns: 500 },
    );
  });
});
