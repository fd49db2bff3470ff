import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blankContact } from '../src/store/records.js';
import { migrate } from '../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { SqliteTx } from '../src/store/sqlite/sqlite-tx.js';
import { tempDir, testStore } from './support/collector.js';

/**
 * SqliteTx holds one record per contact per transaction (and each anonymous id's contact), as PostgresTx does, so
 * the events of one visitor's beacon read and parse the contact once. What it holds must always be the row as it
 * stands: through saves, merges, deletes and rollbacks, and it is dropped when the transaction ends.
 */
describe.skipIf(testStore !== 'sqlite')('SqliteTx: contacts held for a transaction', () => {
  let db: Database.Database;
  let tx: SqliteTx;
  const now = 1_795_000_000_000;
  const rowOf = (id: number) => db.prepare('SELECT * FROM contacts WHERE id = ?').get(id) as Record<string, unknown>;

  beforeEach(() => {
    db = new Database(':memory:');
    migrate(db);
    tx = new SqliteTx(db);
    db.exec('BEGIN IMMEDIATE');
  });
  afterEach(() => {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  });

  it('answers one record per contact in a transaction, however it is found', async () => {
    const created = await tx.createContact({ ...blankContact(1), email: 'A@b.co' }, now);
    expect(await tx.getContact(1, created.id)).toBe(created);
    expect(await tx.findContactBy(1, 'email', 'a@B.co')).toBe(created);
    expect(await tx.getContact(2, created.id)).toBeNull();
    db.exec('COMMIT');
    tx.forgetTransactionReads(); // as the store's runner does after COMMIT
    db.exec('BEGIN IMMEDIATE');
    const again = await tx.findContactBy(1, 'email', 'a@b.co');
    expect(again).not.toBe(created);
    expect(again).toStrictEqual(created);
    expect(await tx.getContact(1, created.id)).toBe(again);
  });

  it("is dropped when the store commits the transaction: another writer's change is then read", async () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir.path}/held.db`);
    try {
      const id = await store.write(async (t) => (await t.createContact(blankContact(1), now)).id);
      const other = new Database(`${dir.path}/held.db`);
      other.prepare("UPDATE contacts SET phone = '+1' WHERE id = ?").run(id);
      other.close();
      expect((await store.write((t) => t.getContact(1, id)))?.phone).toBe('+1');
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it('keeps what saveContact wrote, as the row stands, and a re-read after a drop agrees', async () => {
    const contact = await tx.createContact(blankContact(1), now);
    contact.attributes = { plan: 'pro' };
    contact.first_touch = {
      utm_source: 'x',
      utm_medium: null,
      utm_term: null,
      utm_content: null,
      utm_campaign: null,
      referrer: null,
      url: 'https://shop.example/',
      click_ids: null,
      at: now,
    };
    await tx.saveContact(contact, now + 1);
    expect(await tx.getContact(1, contact.id)).toBe(contact);
    tx.forgetTransactionReads();
    expect(await tx.getContact(1, contact.id)).toStrictEqual(contact);
  });

  it("takes a saved record as the contact's, even when another one of it was held", async () => {
    const contact = await tx.createContact(blankContact(1), now);
    tx.forgetTransactionReads();
    const other = await tx.getContact(1, contact.id);
    contact.phone = '+2';
    await tx.saveContact(contact, now + 1);
    expect(other).not.toBe(contact);
    expect(await tx.getContact(1, contact.id)).toBe(contact);
    expect(rowOf(contact.id).phone).toBe('+2');
  });

  it('forgets everything on a rollback', async () => {
    const contact = await tx.createContact(blankContact(1), now);
    await tx.linkAnonymousId(1, 'v1', contact.id, now);
    db.exec('COMMIT');
    db.exec('BEGIN IMMEDIATE');
    contact.email = 'x@y.co';
    await tx.saveContact(contact, now + 1);
    const moved = await tx.createContact(blankContact(1), now);
    await tx.linkAnonymousId(1, 'v1', moved.id, now);
    db.exec('ROLLBACK');
    tx.forgetCachedReads();
    db.exec('BEGIN IMMEDIATE');
    const read = await tx.getContact(1, contact.id);
    expect(read).not.toBe(contact);
    expect(read?.email).toBeNull();
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBe(contact.id);
    expect(await tx.getContact(1, moved.id)).toBeNull();
  });

  it('follows anonymous ids through links and the login merge', async () => {
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBeNull();
    const anonymous = await tx.createContact(blankContact(1), now);
    await tx.linkAnonymousId(1, 'v1', anonymous.id, now);
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBe(anonymous.id);
    expect(await tx.contactIdForAnonymousId(2, 'v1')).toBeNull();
    const known = await tx.createContact({ ...blankContact(1), email: 'k@n.co' }, now);
    await tx.moveContactData(1, anonymous.id, known.id, now);
    anonymous.merged_into = known.id;
    await tx.saveContact(anonymous, now);
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBe(known.id);
    expect((await tx.getContact(1, anonymous.id))?.merged_into).toBe(known.id);
    expect(rowOf(anonymous.id).merged_into).toBe(known.id);
  });

  it('drops a deleted contact, those merged into it and their anonymous ids', async () => {
    const known = await tx.createContact({ ...blankContact(1), email: 'k@n.co' }, now);
    const merged = await tx.createContact(blankContact(1), now);
    merged.merged_into = known.id;
    await tx.saveContact(merged, now);
    await tx.linkAnonymousId(1, 'v1', known.id, now);
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBe(known.id);
    expect(await tx.deleteContact(1, known.id)).toBe(true);
    expect(await tx.getContact(1, known.id)).toBeNull();
    expect(await tx.getContact(1, merged.id)).toBeNull();
    expect(await tx.contactIdForAnonymousId(1, 'v1')).toBeNull();
  });

  it('answers an inserted event as the stored event a read returns', async () => {
    const contact = await tx.createContact(blankContact(1), now);
    const record = {
      id: 7,
      account_id: 1,
      contact_id: contact.id,
      user_id: null,
      anonymous_id: 'v1',
      session_id: null,
      event: 'page_view',
      amount: null,
      data: { a: 1 },
      idempotency_key: 'k1',
      request_hash: 'h',
      resource_uid: null,
      resource_name: null,
      resource_url: null,
      url: 'https://shop.example/',
      title: null,
      test: false,
      generated: false,
      chain_depth: 0,
      ip: null,
      user_agent: null,
      browser: null,
      os: null,
      device_type: null,
      referrer: null,
      utm_source: null,
      utm_medium: null,
      utm_term: null,
      utm_content: null,
      utm_campaign: null,
      click_ids: null,
      country: null,
      occurred_at: now,
      created_at: now + 5,
      updated_at: now + 5,
    };
    const stored = await tx.insertEvent(record);
    const found = await tx.findEventByIdempotencyKey(1, 'k1');
    expect(JSON.stringify(stored)).toBe(JSON.stringify(found?.event));
    expect(found?.requestHash).toBe('h');
  });
});
