import type pg from 'pg';
import { normalizeEmail } from '../output.js';
import type { ContactRecord, NewContact } from '../records.js';
import type { IdentityField } from '../store.js';
import { contactFromRow, jsonb, type Row } from './rows.js';
import { contactDaysStaleSql } from '../rollups-schema.js';

const contactDaysStale = contactDaysStaleSql((n) => `$${n}`);

/** A contact's row, inserted with an id from the contacts' sequence (when none was drawn ahead). */
export async function insertContact(client: pg.PoolClient, c: NewContact, now: number): Promise<ContactRecord> {
  const { rows } = await client.query<Row>(
    `INSERT INTO contacts (account_id, email, email_norm, phone, external_id, attributes,
    first_touch, last_touch, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING *`,
    [
      c.account_id,
      c.email,
      c.email && normalizeEmail(c.email),
      c.phone,
      c.external_id,
      jsonb(c.attributes),
      jsonb(c.first_touch),
      jsonb(c.last_touch),
      now,
    ],
  );
  return contactFromRow(rows[0] as Row);
}

/** Writes back identity, attributes, touches and merged_into. */
export async function updateContact(client: pg.PoolClient, c: ContactRecord, now: number): Promise<void> {
  await client.query(
    `UPDATE contacts SET email = $1, email_norm = $2, phone = $3, external_id = $4, attributes = $5,
    first_touch = $6, last_touch = $7, merged_into = $8, updated_at = $9 WHERE account_id = $10 AND id = $11`,
    [
      c.email,
      c.email && normalizeEmail(c.email),
      c.phone,
      c.external_id,
      jsonb(c.attributes),
      jsonb(c.first_touch),
      jsonb(c.last_touch),
      c.merged_into,
      now,
      c.account_id,
      c.id,
    ],
  );
}

/** The login merge's move of every anonymous id, event and visit of `fromId` to `intoId`. */
export async function moveContactRows(
  client: pg.PoolClient,
  accountId: number,
  fromId: number,
  intoId: number,
  now: number,
): Promise<void> {
  await client.query(contactDaysStale, [accountId, fromId]);
  await client.query('UPDATE anonymous_ids SET contact_id = $1 WHERE account_id = $2 AND contact_id = $3', [
    intoId,
    accountId,
    fromId,
  ]);
  await client.query('UPDATE visits SET contact_id = $1 WHERE account_id = $2 AND contact_id = $3', [
    intoId,
    accountId,
    fromId,
  ]);
  await client.query('UPDATE events SET contact_id = $1, updated_at = $2 WHERE account_id = $3 AND contact_id = $4', [
    intoId,
    now,
    accountId,
    fromId,
  ]);
}

/** Erases a contact, those merged into it, its anonymous ids, its events, their order records and its visits. */
export async function deleteContactRows(client: pg.PoolClient, accountId: number, id: number): Promise<boolean> {
  await client.query(contactDaysStale, [accountId, id]);
  await client.query(
    `DELETE FROM orders WHERE account_id = $1 AND event_id IN
    (SELECT id FROM events WHERE account_id = $1 AND contact_id = $2)`,
    [accountId, id],
  );
  await client.query('DELETE FROM events WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
  await client.query('DELETE FROM visits WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
  await client.query('DELETE FROM anonymous_ids WHERE account_id = $1 AND contact_id = $2', [accountId, id]);
  await client.query('DELETE FROM contacts WHERE account_id = $1 AND merged_into = $2', [accountId, id]);
  const deleted = await client.query('DELETE FROM contacts WHERE account_id = $1 AND id = $2', [accountId, id]);
  return (deleted.rowCount ?? 0) > 0;
}

/** Contacts are found by an email normalized (identityValue), held in its own column. */
export const identityColumn: Record<IdentityField, string> = {
  email: 'email_norm',
  phone: 'phone',
  external_id: 'external_id',
};

/** `lock`: the contact's row is locked until commit (FOR UPDATE, NOWAIT or not). */
export async function selectContact(client: pg.PoolClient, accountId: number, id: number, lock: string) {
  const sql = `SELECT * FROM contacts WHERE account_id = $1 AND id = $2 ${lock}`;
  const [row] = (await client.query<Row>(sql, [accountId, id])).rows;
  return row ? contactFromRow(row) : null;
}

/** The live contact holding this identity (the lowest id), its row locked with `lock`. */
export async function selectContactBy(
  client: pg.PoolClient,
  accountId: number,
  field: IdentityField,
  value: string,
  lock: string,
) {
  const sql = `SELECT * FROM contacts WHERE account_id = $1 AND ${identityColumn[field]} = $2
    AND merged_into IS NULL ORDER BY id LIMIT 1 ${lock}`;
  const [row] = (await client.query<Row>(sql, [accountId, value])).rows;
  return row ? contactFromRow(row) : null;
}

export async function selectContactId(client: pg.PoolClient, accountId: number, anonymousId: string) {
  const sql = 'SELECT contact_id FROM anonymous_ids WHERE account_id = $1 AND anonymous_id = $2';
  const [row] = (await client.query<Row>(sql, [accountId, anonymousId])).rows;
  return row ? (row.contact_id as number) : null;
}

export async function upsertLink(
  client: pg.PoolClient,
  accountId: number,
  anonymousId: string,
  contactId: number,
  now: number,
) {
  await client.query(
    `INSERT INTO anonymous_ids (account_id, anonymous_id, contact_id, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (account_id, anonymous_id) DO UPDATE SET contact_id = excluded.contact_id`,
    [accountId, anonymousId, contactId, now],
  );
}
