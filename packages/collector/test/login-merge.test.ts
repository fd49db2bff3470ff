import { describe, expect, it } from 'vitest';
import { beacon, beaconTaken, settled } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

describe('login, update and logout', () => {
  const c = useCollector();
  const api = c.live;
  let n = 0;
  // Every test reads what its beacons did: in log mode, once the writer committed them.
  const send = async (anonymousId: string, event: string, extra: Record<string, unknown> = {}) => {
    const answer = await beacon(c, {
      key: c.keys.publishable,
      events: [{ id: `ev-${++n}`, event, anonymous_id: anonymousId, ...extra }],
    });
    await settled(c);
    return answer;
  };

  it('gives an anonymous visitor the email when no contact has it yet', async () => {
    await send('anon-new', 'page_view', { url: 'https://shop.example/' });
    const before = (await api.get('/v1/events?anonymous_id=anon-new')).body[0];
    await send('anon-new', 'login', { data: { email: 'New@Example.com', plan: 'free' } });
    const profile = (await api.get('/v1/contacts?email=new@example.com')).body;
    expect(profile.id).toBe(before.contact_id);
    expect(profile.email).toBe('New@Example.com');
    expect(profile.attributes).toEqual({ plan: 'free' });
    expect(profile.anonymous_ids).toEqual(['anon-new']);
    expect(profile.event_count).toBe(2);
  });

  it('merges the anonymous visitor into the existing contact: ids, past events and attributes move', async () => {
    const known = (
      await api.post('/v1/contacts', {
        email: 'known@example.com',
        attributes: { name: 'Known', tier: 'gold', city: 'Oslo' },
      })
    ).body;
    await api.post('/v1/events', { event: 'signup', contact_email: 'known@example.com' });
    await send('anon-merge', 'page_view', { url: 'https://shop.example/a' });
    await send('anon-merge', 'update', { data: { name: 'Anon', color: 'blue', city: 'Rome' } });
    const anonymousContact = (await api.get('/v1/events?anonymous_id=anon-merge')).body[0].contact_id;
    expect(anonymousContact).not.toBe(known.id);

    const login = await send('anon-merge', 'login', { data: { email: 'KNOWN@example.com', city: 'Paris' } });
    expect(login.body.results[0].status).toBe(beaconTaken);

    const profile = (await api.get(`/v1/contacts/${known.id}`)).body;
    // Known contact's values win over the anonymous ones; the login's own attributes win over both.
    expect(profile.attributes).toEqual({ name: 'Known', tier: 'gold', city: 'Paris', color: 'blue' });
    expect(profile.anonymous_ids).toEqual(['anon-merge']);
    expect(profile.event_count).toBe(4);
    const events = (await api.get(`/v1/contacts/${known.id}/events`)).body;
    expect(events.map((e: { event: string }) => e.event).sort()).toEqual(['login', 'page_view', 'signup', 'update']);
    const merged = (await api.get(`/v1/contacts/${anonymousContact}`)).body;
    expect(merged.merged_into).toBe(known.id);
    expect(merged.event_count).toBe(0);
    expect(
      (await api.get('/v1/events?anonymous_id=anon-merge')).body.every(
        (e: { contact_id: number }) => e.contact_id === known.id,
      ),
    ).toBe(true);
  });

  it('resolves later events of a merged visitor to the known contact, with or without user', async () => {
    const known = (await api.get('/v1/contacts?email=known@example.com')).body;
    await send('anon-merge', 'page_view', { url: 'https://shop.example/b' });
    await send('anon-merge', 'add_to_cart', { user: { email: 'known@example.com' }, data: { sku: 'A1' } });
    const latest = (await api.get('/v1/events?anonymous_id=anon-merge&limit=2')).body;
    expect(latest.map((e: { contact_id: number }) => e.contact_id)).toEqual([known.id, known.id]);
  });

  it('merges through the server API too: login with anonymous_id and contact email', async () => {
    await send('anon-server', 'page_view', { url: 'https://shop.example/' });
    const answer = await api.post('/v1/events', {
      event: 'login',
      anonymous_id: 'anon-server',
      contact: { email: 'server@example.com', vip: true },
    });
    expect(answer.status).toBe(201);
    const profile = (await api.get('/v1/contacts?email=server@example.com')).body;
    expect(profile.attributes).toEqual({ vip: true });
    expect(profile.event_count).toBe(2);
  });

  it('sets attributes on update and removes one given as null', async () => {
    await send('anon-upd', 'update', { data: { color: 'red', size: 'M' } });
    await send('anon-upd', 'update', { data: { size: null, age: 30 } });
    const contactId = (await api.get('/v1/events?anonymous_id=anon-upd')).body[0].contact_id;
    expect((await api.get(`/v1/contacts/${contactId}`)).body.attributes).toEqual({ color: 'red', age: 30 });
  });

  it('sets contact attributes from the `contact` object of any event', async () => {
    await api.post('/v1/events', {
      event: 'purchase',
      contact_email: 'attrs@example.com',
      contact: { plan: 'pro' },
      data: { plan: 'x' },
    });
    expect((await api.get('/v1/contacts?email=attrs@example.com')).body.attributes).toEqual({ plan: 'pro' });
  });

  it('stores logout as a plain event and keeps the contact', async () => {
    const answer = await send('anon-new', 'logout', { user: { email: 'new@example.com' } });
    expect(answer.body.results[0].status).toBe(beaconTaken);
    const profile = (await api.get('/v1/contacts?email=new@example.com')).body;
    expect(profile.event_count).toBe(3);
  });

  it('does not merge two identified contacts: a known visitor logging in as someone else is re-pointed', async () => {
    await send('anon-shared', 'login', { data: { email: 'first@example.com' } });
    await send('anon-shared', 'login', { data: { email: 'second@example.com' } });
    const first = (await api.get('/v1/contacts?email=first@example.com')).body;
    const second = (await api.get('/v1/contacts?email=second@example.com')).body;
    expect(first.id).not.toBe(second.id);
    expect(first.merged_into).toBeNull();
    expect(first.event_count).toBe(1);
    expect(second.anonymous_ids).toEqual(['anon-shared']);
  });

  it('keeps the first touch and moves the last touch with new attribution', async () => {
    await send('anon-touch', 'page_view', {
      url: 'https://shop.example/?utm_source=google&utm_campaign=spring',
      referrer: 'https://www.google.com/',
      timestamp: 1_795_000_000_000,
    });
    await send('anon-touch', 'page_view', { url: 'https://shop.example/p', timestamp: 1_795_000_100_000 });
    await send('anon-touch', 'page_view', {
      url: 'https://shop.example/?utm_source=newsletter',
      click_ids: { gclid: 'abc' },
      timestamp: 1_795_000_200_000,
    });
    const contactId = (await api.get('/v1/events?anonymous_id=anon-touch')).body[0].contact_id;
    const profile = (await api.get(`/v1/contacts/${contactId}`)).body;
    expect(profile.first_touch).toMatchObject({
      utm_source: 'google',
      utm_campaign: 'spring',
      referrer: 'https://www.google.com/',
    });
    expect(profile.last_touch).toMatchObject({ utm_source: 'newsletter', click_ids: { gclid: 'abc' } });
    expect(profile.first_seen).toBe(new Date(1_795_000_000_000).toISOString());
    expect(profile.last_seen).toBe(new Date(1_795_000_200_000).toISOString());
  });

  it('never lets a same-host referrer (a link inside the site) replace the last touch', async () => {
    await send('anon-self', 'page_view', {
      url: 'https://shop.example/?utm_source=mail',
      referrer: 'https://mail.example/',
      timestamp: 1_795_000_000_000,
    });
    await send('anon-self', 'page_view', {
      url: 'https://shop.example/pricing',
      referrer: 'https://shop.example/?utm_source=mail',
      timestamp: 1_795_000_100_000,
    });
    const contactId = (await api.get('/v1/events?anonymous_id=anon-self')).body[0].contact_id;
    const profile = (await api.get(`/v1/contacts/${contactId}`)).body;
    expect(profile.last_touch).toMatchObject({
      utm_source: 'mail',
      referrer: 'https://mail.example/',
      url: 'https://shop.example/?utm_source=mail',
    });
  });
});
