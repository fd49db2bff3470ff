import { describe, expect, it } from 'vitest';
import { beacon, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

describe('contacts API', () => {
  const c = useCollector();
  const api = c.live;

  it('creates a contact by email with 201 and the full profile shape', async () => {
    const answer = await api.post('/v1/contacts', { email: '  Ada@Example.com ', attributes: { name: 'Ada' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.any(Number),
      email: 'Ada@Example.com',
      phone: null,
      external_id: null,
      attributes: { name: 'Ada' },
      anonymous_ids: [],
      first_touch: null,
      last_touch: null,
      first_seen: null,
      last_seen: null,
      event_count: 0,
      merged_into: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('updates the same contact when the email differs only in case, with 200', async () => {
    const answer = await api.post('/v1/contacts', { email: 'ADA@example.COM', attributes: { role: 'admin' } });
    expect(answer.status).toBe(200);
    expect(answer.body.attributes).toEqual({ name: 'Ada', role: 'admin' });
  });

  it('removes an attribute given as null and updates by id', async () => {
    const { id } = (await api.get('/v1/contacts?email=ada@example.com')).body;
    const answer = await api.post('/v1/contacts', { id, phone: '+4712345678', attributes: { role: null } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id, phone: '+4712345678', attributes: { name: 'Ada' } });
  });

  it('finds contacts by phone and by external_id, and creates by external_id', async () => {
    expect((await api.get('/v1/contacts?phone=%2B4712345678')).body.email).toBe('Ada@Example.com');
    const created = await api.post('/v1/contacts', { external_id: 'crm-9' });
    expect(created.status).toBe(201);
    expect((await api.get('/v1/contacts?external_id=crm-9')).body.id).toBe(created.body.id);
  });

  it('answers 409 contact_conflict when an identity belongs to another contact', async () => {
    const other = (await api.post('/v1/contacts', { email: 'grace@example.com' })).body;
    const answer = await api.post('/v1/contacts', { id: other.id, email: 'ada@example.com' });
    expect(answer.status).toBe(409);
    expect(answer.body.errors[0]).toMatchObject({ code: 'contact_conflict', path: 'email' });
  });

  it('answers 400 without any identity, 404 for an unknown id, and 404 by email when none matches', async () => {
    const none = await api.post('/v1/contacts', { attributes: { a: 1 } });
    expect(none.status).toBe(400);
    expect(none.body.errors[0].code).toBe('contact_identity_required');
    expect((await api.post('/v1/contacts', { id: 999999 })).body.errors[0].code).toBe('contact_not_found');
    expect((await api.get('/v1/contacts/999999')).status).toBe(404);
    const byEmail = await api.get('/v1/contacts?email=nobody@example.com');
    expect(byEmail.status).toBe(404);
    expect(byEmail.body.errors[0].code).toBe('contact_not_found');
  });

  it('lists contacts newest first with paging headers when no identity filter is given', async () => {
    const answer = await api.get('/v1/contacts?limit=2');
    expect(answer.body).toHaveLength(2);
    expect(Number(answer.headers.get('x-total-count'))).toBeGreaterThanOrEqual(3);
    expect(answer.body[0].id).toBeGreaterThan(answer.body[1].id);
  });

  it('creates an anonymous contact for the first event of an unknown anonymous_id', async () => {
    await beacon(c, { key: c.keys.publishable, events: [{ id: 'c-1', event: 'page_view', anonymous_id: 'anon-c' }] });
    await settled(c);
    const event = (await api.get('/v1/events?anonymous_id=anon-c')).body[0];
    const profile = (await api.get(`/v1/contacts/${event.contact_id}`)).body;
    expect(profile).toMatchObject({ email: null, anonymous_ids: ['anon-c'], event_count: 1 });
  });

  it('erases a contact with its identities and events on DELETE', async () => {
    await beacon(c, {
      key: c.keys.publishable,
      events: [
        { id: 'd-1', event: 'page_view', anonymous_id: 'anon-d' },
        { id: 'd-2', event: 'login', anonymous_id: 'anon-d', data: { email: 'erase@example.com' } },
        { id: 'd-3', event: 'confirmation', anonymous_id: 'anon-d', data: { order_id: 'E-1' } },
      ],
    });
    await settled(c);
    const { id } = (await api.get('/v1/contacts?email=erase@example.com')).body;
    const answer = await api.delete(`/v1/contacts/${id}`);
    expect(answer.body).toEqual({ id, deleted: true });
    expect((await api.get(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await api.get('/v1/events?anonymous_id=anon-d')).body).toEqual([]);
    expect((await api.get(`/v1/contacts/${id}`)).status).toBe(404);
    expect((await api.delete(`/v1/contacts/${id}`)).status).toBe(404);
    // The anonymous id is forgotten too: it starts a new contact, and the erased order id is free again.
    await beacon(c, {
      key: c.keys.publishable,
      events: [{ id: 'd-4', event: 'confirmation', anonymous_id: 'anon-d', data: { order_id: 'E-1' } }],
    });
    await settled(c);
    const fresh = (await api.get('/v1/events?anonymous_id=anon-d')).body;
    expect(fresh).toHaveLength(1);
    expect(fresh[0].contact_id).not.toBe(id);
  });
});
