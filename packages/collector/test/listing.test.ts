import { beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type Client } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

const ids = (answer: Answer) => (answer.body as { id: number }[]).map((e) => e.id);

/** The Link header as { rel: { page, limit, ...params } }. */
function links(answer: Answer): Record<string, URLSearchParams> {
  const out: Record<string, URLSearchParams> = {};
  for (const [, target, rel] of (answer.headers.get('link') ?? '').matchAll(/<([^>]+)>;\s*rel="(\w+)"/g)) {
    out[rel!] = new URL(target!, 'http://collector.invalid').searchParams;
  }
  return out;
}

function expectPageHeaders(answer: Answer, total: number, page: number, perPage: number) {
  expect(answer.headers.get('x-total-count')).toBe(String(total));
  expect(answer.headers.get('x-page')).toBe(String(page));
  expect(answer.headers.get('x-per-page')).toBe(String(perPage));
}

/** Resolves once the clock has moved at least `ms` past `since`, so consecutive events get distinct receive times. */
async function clockPast(since: number, ms = 2) {
  while (Date.now() < since + ms) await new Promise((r) => setTimeout(r, 1));
}

describe('GET /v1/events: order, filters and paging', () => {
  const c = useCollector({ account: { name: 'listing' } });
  const live = c.live;
  const testKey = c.test;
  /** The seven events in posting order (index 0 is the oldest). */
  const posted: Array<{ id: number; contact_id: number; created_at: string; test: boolean; event: string }> = [];

  beforeAll(async () => {
    const plan: Array<[Client, Record<string, unknown>]> = [
      [
        live,
        {
          event: 'view',
          contact_email: 'a@x.example',
          anonymous_id: 'anon-1',
          resource_uid: 'sku-1',
          resource_name: 'Shoe',
        },
      ],
      [
        live,
        {
          event: 'view',
          contact_email: 'b@x.example',
          anonymous_id: 'anon-2',
          resource_uid: 'sku-2',
          resource_name: 'Hat',
        },
      ],
      [live, { event: 'cart', contact_email: 'a@x.example', resource_uid: 'sku-1', resource_name: 'Shoe' }],
      [testKey, { event: 'cart', contact_email: 'b@x.example' }],
      [live, { event: 'purchase', contact_email: 'a@x.example', test: true }],
      [live, { event: 'view', contact_email: 'c@x.example' }],
      [live, { event: 'signup', contact_email: 'c@x.example' }],
    ];
    for (const [as, body] of plan) {
      if (posted.length) await clockPast(Date.parse(posted[posted.length - 1]!.created_at));
      const answer = await as.post('/v1/events', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      posted.push(answer.body);
    }
  });

  const idsOf = (...indexes: number[]) => indexes.map((i) => posted[i]!.id);
  const newestFirst = (...indexes: number[]) => idsOf(...indexes).sort((x, y) => y - x);

  it('lists every event newest first, as a JSON array', async () => {
    const answer = await live.get('/v1/events');
    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body)).toBe(true);
    expect(ids(answer)).toEqual(idsOf(6, 5, 4, 3, 2, 1, 0));
    expectPageHeaders(answer, 7, 1, 50);
  });

  it('gives ids that increase with time', () => {
    for (let i = 1; i < posted.length; i++) expect(posted[i]!.id).toBeGreaterThan(posted[i - 1]!.id);
  });

  it('filters by event', async () => {
    expect(ids(await live.get('/v1/events?event=view'))).toEqual(idsOf(5, 1, 0));
    expect((await live.get('/v1/events?event=view')).headers.get('x-total-count')).toBe('3');
    expect(ids(await live.get('/v1/events?event=nothing_like_this'))).toEqual([]);
  });

  it('filters by contact_id', async () => {
    expect(ids(await live.get(`/v1/events?contact_id=${posted[0]!.contact_id}`))).toEqual(idsOf(4, 2, 0));
  });

  it('filters by anonymous_id', async () => {
    expect(ids(await live.get('/v1/events?anonymous_id=anon-2'))).toEqual(idsOf(1));
  });

  it('filters by created_after and created_before, as ISO-8601 or epoch milliseconds', async () => {
    const between = (i: number) => Date.parse(posted[i]!.created_at) + 1; // after event i, before event i + 1
    expect(ids(await live.get(`/v1/events?created_after=${new Date(between(2)).toISOString()}`))).toEqual(
      idsOf(6, 5, 4, 3),
    );
    expect(ids(await live.get(`/v1/events?created_after=${between(2)}`))).toEqual(idsOf(6, 5, 4, 3));
    expect(ids(await live.get(`/v1/events?created_before=${new Date(between(2)).toISOString()}`))).toEqual(
      idsOf(2, 1, 0),
    );
    expect(ids(await live.get(`/v1/events?created_before=${between(2)}`))).toEqual(idsOf(2, 1, 0));
    expect(ids(await live.get(`/v1/events?created_after=${between(1)}&created_before=${between(4)}`))).toEqual(
      idsOf(4, 3, 2),
    );
  });

  it('answers 400 invalid_parameter to a created_after that is not a time', async () => {
    expectError(await live.get('/v1/events?created_after=yesterday'), 400, 'invalid_parameter', 'created_after');
  });

  it('filters by resource_uid and resource_name', async () => {
    expect(ids(await live.get('/v1/events?resource_uid=sku-1'))).toEqual(idsOf(2, 0));
    expect(ids(await live.get('/v1/events?resource_name=Hat'))).toEqual(idsOf(1));
  });

  it('filters by test with a live key, which otherwise reads both', async () => {
    expect(ids(await live.get('/v1/events?test=true'))).toEqual(idsOf(4, 3));
    expect(ids(await live.get('/v1/events?test=false'))).toEqual(idsOf(6, 5, 2, 1, 0));
    expect(ids(await live.get('/v1/events'))).toHaveLength(7);
  });

  it('combines filters', async () => {
    expect(ids(await live.get(`/v1/events?event=cart&contact_id=${posted[0]!.contact_id}`))).toEqual(idsOf(2));
    expect(ids(await live.get('/v1/events?event=cart&test=true'))).toEqual(idsOf(3));
  });

  it('lets a tk_test_ key read only test events', async () => {
    const answer = await testKey.get('/v1/events');
    expect(ids(answer)).toEqual(idsOf(4, 3));
    expect(answer.headers.get('x-total-count')).toBe('2');
    expect(ids(await testKey.get('/v1/events?test=false'))).toEqual([]);
    expect(ids(await testKey.get('/v1/events?test=true'))).toEqual(idsOf(4, 3));
    expect(ids(await testKey.get('/v1/events?event=view'))).toEqual([]);
  });

  it('answers 404 to a tk_test_ key reading a live event by id', async () => {
    expectError(await testKey.get(`/v1/events/${posted[0]!.id}`), 404, 'event_not_found');
    expect((await testKey.get(`/v1/events/${posted[4]!.id}`)).status).toBe(200);
  });

  it('reads one event by id', async () => {
    const answer = await live.get(`/v1/events/${posted[2]!.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(posted[2]);
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '99999999999999999999'])(
    'answers 404 event_not_found to GET /v1/events/%s',
    async (id) => {
      expectError(await live.get(`/v1/events/${id}`), 404, 'event_not_found');
    },
  );

  describe('page and limit', () => {
    it('pages with page and limit and says so in X-Total-Count, X-Page, X-Per-Page and Link', async () => {
      const first = await live.get('/v1/events?limit=3');
      expect(ids(first)).toEqual(idsOf(6, 5, 4));
      expectPageHeaders(first, 7, 1, 3);
      const l1 = links(first);
      expect(Object.keys(l1).sort()).toEqual(['first', 'last', 'next']);
      expect(l1.next!.get('page')).toBe('2');
      expect(l1.first!.get('page')).toBe('1');
      expect(l1.last!.get('page')).toBe('3');
      expect(l1.next!.get('limit')).toBe('3');

      const second = await live.get('/v1/events?limit=3&page=2');
      expect(ids(second)).toEqual(idsOf(3, 2, 1));
      expectPageHeaders(second, 7, 2, 3);
      const l2 = links(second);
      expect(Object.keys(l2).sort()).toEqual(['first', 'last', 'next', 'prev']);
      expect(l2.prev!.get('page')).toBe('1');
      expect(l2.next!.get('page')).toBe('3');

      const third = await live.get('/v1/events?limit=3&page=3');
      expect(ids(third)).toEqual(idsOf(0));
      expectPageHeaders(third, 7, 3, 3);
      const l3 = links(third);
      expect(Object.keys(l3).sort()).toEqual(['first', 'last', 'prev']);
      expect(l3.prev!.get('page')).toBe('2');
    });

    it('follows the Link header through every page exactly once', async () => {
      const seen: number[] = [];
      let path: string | undefined = '/v1/events?limit=2&event=view';
      for (let hops = 0; path && hops < 10; hops++) {
        const answer: Answer = await live.get(path);
        seen.push(...ids(answer));
        path = (answer.headers.get('link') ?? '').match(/<([^>]+)>;\s*rel="next"/)?.[1];
      }
      expect(seen).toEqual(idsOf(5, 1, 0));
    });

    it('keeps the filters in the Link targets', async () => {
      const answer = await live.get('/v1/events?limit=1&event=view');
      expect(answer.headers.get('x-total-count')).toBe('3');
      const l = links(answer);
      expect(l.next!.get('event')).toBe('view');
      expect(l.last!.get('page')).toBe('3');
    });

    it('answers an empty page past the last one', async () => {
      const answer = await live.get('/v1/events?limit=3&page=9');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([]);
      expectPageHeaders(answer, 7, 9, 3);
    });

    it('accepts limit=100 and answers 400 invalid_parameter at path limit to limit=101', async () => {
      expect((await live.get('/v1/events?limit=100')).status).toBe(200);
      expectError(await live.get('/v1/events?limit=101'), 400, 'invalid_parameter', 'limit');
    });

    it.each([
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=x', 'page'],
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['limit=2.5', 'limit'],
    ])('answers 400 invalid_parameter to %s', async (query, path) => {
      expectError(await live.get(`/v1/events?${query}`), 400, 'invalid_parameter', path);
    });
  });

  describe('after_id cursor', () => {
    it('returns the page after event N: only ids below N, newest first', async () => {
      expect(ids(await live.get(`/v1/events?after_id=${posted[4]!.id}`))).toEqual(idsOf(3, 2, 1, 0));
      expect(ids(await live.get(`/v1/events?after_id=${posted[4]!.id}&limit=2`))).toEqual(idsOf(3, 2));
      expect(ids(await live.get(`/v1/events?after_id=${posted[0]!.id}`))).toEqual([]);
    });

    it('combines after_id with filters', async () => {
      expect(ids(await live.get(`/v1/events?after_id=${posted[5]!.id}&event=view`))).toEqual(idsOf(1, 0));
    });

    it('answers 400 invalid_parameter to a non-numeric after_id', async () => {
      expectError(await live.get('/v1/events?after_id=abc'), 400, 'invalid_parameter', 'after_id');
    });
  });

  describe('the /v1/my/events alias', () => {
    it('records an event with POST /v1/my/events and lists it with GET /v1/my/events', async () => {
      const created = await live.post('/v1/my/events', { event: 'alias_event', contact_email: 'alias@x.example' });
      expect(created.status).toBe(201);
      expect(created.body.event).toBe('alias_event');
      const listed = await live.get('/v1/my/events?event=alias_event&limit=5');
      expect(listed.status).toBe(200);
      expect(ids(listed)).toEqual([created.body.id]);
      expectPageHeaders(listed, 1, 1, 5);
      expect(ids(await live.get('/v1/events?event=alias_event'))).toEqual([created.body.id]);
      expectError(await live.get('/v1/my/events?limit=101'), 400, 'invalid_parameter', 'limit');
    });
  });

  describe("a contact's events", () => {
    it('pages GET /v1/contacts/:id/events like /v1/events', async () => {
      const contactId = posted[0]!.contact_id;
      const first = await live.get(`/v1/contacts/${contactId}/events?limit=2`);
      expect(first.status).toBe(200);
      expect(ids(first)).toEqual(newestFirst(4, 2));
      expectPageHeaders(first, 3, 1, 2);
      expect(links(first).next!.get('page')).toBe('2');
      const second = await live.get(`/v1/contacts/${contactId}/events?limit=2&page=2`);
      expect(ids(second)).toEqual(idsOf(0));
      expectPageHeaders(second, 3, 2, 2);
      expect(links(second).prev!.get('page')).toBe('1');
      expect(ids(await live.get(`/v1/contacts/${contactId}/events?after_id=${posted[4]!.id}`))).toEqual(idsOf(2, 0));
      expect(ids(await live.get(`/v1/contacts/${contactId}/events?event=view`))).toEqual(idsOf(0));
      expectError(await live.get(`/v1/contacts/${contactId}/events?limit=101`), 400, 'invalid_parameter', 'limit');
    });

    it("lets a tk_test_ key read only the contact's test events", async () => {
      const contactId = posted[0]!.contact_id;
      expect(ids(await testKey.get(`/v1/contacts/${contactId}/events`))).toEqual(idsOf(4));
    });
  });
});

describe('GET /v1/events: default page size and walking by after_id', () => {
  const live = useCollector({ account: { name: 'many' } }).live;
  let all: number[];

  beforeAll(async () => {
    const events = Array.from({ length: 60 }, (_, i) => ({
      event: 'tick',
      contact_email: `p${i % 5}@x.example`,
      data: { i },
    }));
    const answer = await live.post('/v1/events/batch', { events });
    expect(answer.status).toBe(200);
    all = answer.body.results.map((r: { status: string; id: number }) => {
      expect(r.status).toBe('created');
      return r.id;
    });
    expect(new Set(all).size).toBe(60);
  });

  it('answers 50 events by default', async () => {
    const answer = await live.get('/v1/events');
    expect(answer.body).toHaveLength(50);
    expectPageHeaders(answer, 60, 1, 50);
    expect(links(answer).last!.get('page')).toBe('2');
    const second = await live.get('/v1/events?page=2');
    expect(second.body).toHaveLength(10);
    expect([...ids(answer), ...ids(second)]).toEqual([...all].sort((x, y) => y - x));
  });

  it('visits every event exactly once, newest first, when walking pages by after_id', async () => {
    const seen: number[] = [];
    let page = ids(await live.get('/v1/events?limit=7'));
    for (let hops = 0; page.length > 0 && hops < 20; hops++) {
      seen.push(...page);
      page = ids(await live.get(`/v1/events?limit=7&after_id=${page[page.length - 1]}`));
    }
    expect(seen).toEqual([...all].sort((x, y) => y - x));
    expect(new Set(seen).size).toBe(60);
  });

  it('keeps the after_id walk stable while new events arrive', async () => {
    const firstPage = ids(await live.get('/v1/events?limit=10'));
    const newer = await live.post('/v1/events', { event: 'tick', contact_email: 'late@x.example' });
    expect(newer.status).toBe(201);
    const next = ids(await live.get(`/v1/events?limit=10&after_id=${firstPage[9]}`));
    expect(next).not.toContain(newer.body.id);
    expect(next.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(next).toEqual([...all].sort((x, y) => y - x).slice(10, 20));
  });
});
