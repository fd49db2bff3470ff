import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { beacon, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

/** Text that breaks out of a string literal or a statement when it is spliced into SQL. */
const injections = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE events; --",
  '1); DELETE FROM contacts; --',
  "x' UNION SELECT hash FROM api_keys --",
  "admin'--",
  "\\'; DROP TABLE accounts; --",
  '%',
  '_',
  '*/ OR /*',
  '$1',
  '?',
  ':id',
  '@id',
];

/**
 * Issue #7: SQL is parameterised everywhere. Injection strings in every filter and identity are stored and compared
 * literally (both stores), and the adapters' SQL text interpolates only identifiers of our own (a source scan).
 */
describe('SQL injection', () => {
  const c = useCollector();
  const api = c.live;
  const posted = new Map<string, { id: number; contact_id: number }>();
  beforeAll(async () => {
    for (const [i, text] of injections.entries()) {
      const answer = await api.post('/v1/events', {
        event: 'inject',
        external_id: text,
        anonymous_id: text,
        idempotency_key: text,
        resource_uid: text,
        resource_name: text,
        title: text,
        utm_source: text,
        session_id: text,
        data: { value: text },
        contact: { note: text },
      });
      expect(answer.status, `${text}: ${JSON.stringify(answer.body)}`).toBe(201);
      posted.set(text, answer.body);
      expect(
        (
          await api.post('/v1/contacts', {
            phone: `+1555000${String(i).padStart(4, '0')}${text}`.slice(0, 64),
            attributes: { note: text },
          })
        ).status,
      ).toBe(201);
    }
  });

  it('stores every injection string literally', async () => {
    for (const [text, { id }] of posted) {
      const event = (await api.get(`/v1/events/${id}`)).body;
      expect(event).toMatchObject({
        anonymous_id: text,
        idempotency_key: text,
        resource_uid: text,
        resource_name: text,
        title: text,
        utm_source: text,
        session_id: text,
        data: { value: text },
      });
    }
  });

  it('matches each filter literally: exactly the one event, never all of them', async () => {
    for (const [text, { id }] of posted) {
      for (const filter of ['anonymous_id', 'resource_uid', 'resource_name']) {
        const answer = await api.get(`/v1/events?${filter}=${encodeURIComponent(text)}`);
        expect(answer.status).toBe(200);
        expect(
          answer.body.map((e: { id: number }) => e.id),
          `${filter}=${text}`,
        ).toEqual([id]);
      }
      expect((await api.get(`/v1/events/status?idempotency_key=${encodeURIComponent(text)}`)).body).toEqual({
        status: 'created',
        event_id: id,
      });
      const events = await api.get(`/v1/events?event=${encodeURIComponent(text)}`);
      expect(events.headers.get('x-total-count')).toBe('0');
    }
  });

  it('resolves identities literally: external ids, phones and anonymous ids find their own contact only', async () => {
    for (const [i, [text, { contact_id }]] of [...posted].entries()) {
      const byExternal = await api.get(`/v1/contacts?external_id=${encodeURIComponent(text)}`);
      expect(byExternal.body.id, text).toBe(contact_id);
      expect(byExternal.body.attributes).toEqual({ note: text });
      const phone = `+1555000${String(i).padStart(4, '0')}${text}`.slice(0, 64);
      const byPhone = await api.get(`/v1/contacts?phone=${encodeURIComponent(phone)}`);
      expect(byPhone.body.phone).toBe(phone);
      // The same anonymous id again resolves to the same contact; a beacon with it as well.
      const again = await api.post('/v1/events', { event: 'inject_again', external_id: text, anonymous_id: text });
      expect(again.body.contact_id).toBe(contact_id);
      const fromBeacon = await beacon(c, {
        key: c.keys.publishable,
        events: [{ id: `b-${i}`, event: 'page_view', anonymous_id: text, user: { external_id: text } }],
      });
      await settled(c);
      expect((await api.get(`/v1/events/${fromBeacon.body.results[0].id}`)).body.contact_id).toBe(contact_id);
    }
    for (const text of ["' OR '1'='1", "x' OR external_id IS NOT NULL --"]) {
      expect((await api.get(`/v1/contacts?external_id=${encodeURIComponent(`${text}-unknown`)}`)).status).toBe(404);
    }
  });

  it('still has every table and row afterwards', async () => {
    expect((await api.get('/v1/events?event=inject&limit=1')).headers.get('x-total-count')).toBe(
      String(injections.length),
    );
    expect((await api.get('/v1/contacts?limit=1')).headers.get('x-total-count')).toBe(String(injections.length * 2));
    expect((await api.get('/v1/event-schemas')).status).toBe(200);
  });
});

describe("the store adapters' SQL text", () => {
  const storeDir = fileURLToPath(new URL('../src/store/', import.meta.url));
  const files = ['sqlite', 'postgres'].flatMap((backend) =>
    readdirSync(join(storeDir, backend)).map((f) => join(storeDir, backend, f)),
  );
  /** What a template literal holding SQL may interpolate: clauses, column lists and DDL we build, never a value. */
  const allowed = new Set([
    'where.sql',
    'where',
    'identityColumn[field]',
    "eventColumns.join(', ')",
    'eventColumnList',
    'contactColumnList',
    'insertContactsSql',
    'insertLinksSql',
    'eventPlaceholders',
    'eventIndexesSql',
    'this.forUpdate',
    'n + 1',
    'n + 2',
    'params.length',
    'column',
    'op',
    "eventColumns.map(() => '?').join(', ')",
    'c',
    'done + i + 1',
    // lock-and-read-sql.ts: the function's two row-lock clauses and the identity columns and names, constants of ours.
    'lock',
    "readsSql('FOR UPDATE OF c NOWAIT')",
    "readsSql('FOR UPDATE OF c')",
    'field',
    "identifiedSql('email_norm', 'email', lock)",
    "identifiedSql('phone', 'phone', lock)",
    "identifiedSql('external_id', 'external_id', lock)",
    // The visits' column lists (store/visit-rows.ts, visits-schema.ts), constants of ours.
    "visitColumns.map(() => '?').join(', ')",
    "visitColumns.join(', ')",
    'visitEventColumns',
  ]);

  it('splices only our own identifiers and placeholders into SQL, never a value', () => {
    const offending: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const [literal] of source.matchAll(/`(?:[^`\\]|\\.)*`/g)) {
        if (!/\b(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|PRAGMA|ALTER|CREATE)\b/.test(literal)) continue;
        for (const [, expression] of literal.matchAll(/\$\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g)) {
          if (!allowed.has(expression?.trim() ?? ''))
            offending.push(`${file.slice(storeDir.length)}: \${${expression}}`);
        }
      }
    }
    expect(offending).toEqual([]);
    expect(files.length).toBeGreaterThan(6);
  });
});
