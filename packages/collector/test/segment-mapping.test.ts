import { describe, expect, it } from 'vitest';
import { TrackletError } from '../src/errors.js';
import { flattenProperties } from '../src/segment/flatten-properties.js';
import { occurredAt } from '../src/segment/message-time.js';
import { normalizeName } from '../src/segment/normalize-name.js';

describe('Segment event names', () => {
  it.each([
    ['Order Completed', 'order_completed'],
    ['order-completed', 'order_completed'],
    ['orderCompleted', 'order_completed'],
    ['  Sign Up!! ', 'sign_up'],
    ['Café Visité', 'cafe_visite'],
    ['404 Seen', 'e_404_seen'],
  ])('normalises %j to %j', (given, want) => {
    expect(normalizeName(given)).toBe(want);
  });

  it('cuts a long name to 64 characters without a trailing underscore', () => {
    const name = normalizeName(`${'a'.repeat(63)} b`);
    expect(name).toBe('a'.repeat(63));
  });

  it('refuses a name with nothing to keep', () => {
    expect(() => normalizeName('!!!')).toThrow(TrackletError);
  });
});

describe('Segment properties', () => {
  it('flattens nested objects with _ and keeps arrays as JSON text', () => {
    expect(
      flattenProperties({ a: { b: { c: 1 } }, 'x-y': true, list: [1, { z: 2 }], gone: undefined, n: null }, 'p'),
    ).toEqual({ a_b_c: 1, x_y: true, list: '[1,{"z":2}]', n: null });
  });

  it('refuses two keys that flatten to one name instead of letting one win', () => {
    expect(() => flattenProperties({ a_b: 1, a: { b: 2 } }, 'properties')).toThrow(/flatten to "a_b"/);
  });

  it('refuses an array longer than 2,048 characters as JSON', () => {
    expect(() => flattenProperties({ list: ['x'.repeat(2048)] }, 'properties')).toThrow(/at most 2048/);
  });
});

describe('Segment timestamps', () => {
  const received = Date.parse('2026-12-04T12:00:00.000Z');
  it('places the event before the receive time by the client-measured delay', () => {
    const at = occurredAt(
      { originalTimestamp: '2020-01-01T00:00:00.000Z', sentAt: '2020-01-01T00:00:05.000Z' },
      undefined,
      received,
    );
    expect(at).toBe(received - 5000);
  });

  it("uses the batch's sentAt when the message has none, and timestamp without originalTimestamp", () => {
    expect(occurredAt({ timestamp: 1000 }, 3000, received)).toBe(received - 2000);
  });

  it('takes the time as given without a sentAt, and the receive time without any', () => {
    expect(occurredAt({ timestamp: '2026-01-01T00:00:00Z' }, undefined, received)).toBe(
      Date.parse('2026-01-01T00:00:00Z'),
    );
    expect(occurredAt({}, undefined, received)).toBe(received);
  });

  it('refuses a timestamp that is not a date', () => {
    expect(() => occurredAt({ timestamp: 'yesterday' }, undefined, received)).toThrow(TrackletError);
  });
});
