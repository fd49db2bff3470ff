import type pg from 'pg';
import type { AccountRecord, KeyRecord } from '../records.js';
import { accountFromRow, jsonb, keyFromRow, type Row } from './rows.js';

/** Keys or accounts change in this transaction: authentication caches must re-read (auth-cache.ts). */
async function bumpAuthVersion(client: pg.PoolClient): Promise<void> {
  await client.query('UPDATE auth_version SET version = version + 1 WHERE id = 1');
}

export async function insertAccount(client: pg.PoolClient, a: Omit<AccountRecord, 'id'>): Promise<AccountRecord> {
  await bumpAuthVersion(client);
  const { rows } = await client.query<Row>(
    `INSERT INTO accounts (name, allowed_origins, allowed_events, rate_limit, timezone, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [
      a.name,
      jsonb(a.allowed_origins),
      jsonb(a.allowed_events),
      jsonb(a.rate_limit),
      a.timezone,
      a.created_at,
      a.updated_at,
    ],
  );
  return accountFromRow(rows[0] as Row);
}

export async function updateAccount(client: pg.PoolClient, a: AccountRecord): Promise<void> {
  await bumpAuthVersion(client);
  await client.query(
    `UPDATE accounts SET name = $1, allowed_origins = $2, allowed_events = $3, rate_limit = $4, timezone = $5,
    updated_at = $6 WHERE id = $7`,
    [a.name, jsonb(a.allowed_origins), jsonb(a.allowed_events), jsonb(a.rate_limit), a.timezone, a.updated_at, a.id],
  );
}

export async function insertKey(client: pg.PoolClient, k: Omit<KeyRecord, 'id'>): Promise<KeyRecord> {
  await bumpAuthVersion(client);
  const { rows } = await client.query<Row>(
    `INSERT INTO api_keys (account_id, type, prefix, hash, scopes, created_at, revoked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [k.account_id, k.type, k.prefix, k.hash, jsonb(k.scopes), k.created_at, k.revoked_at],
  );
  return keyFromRow(rows[0] as Row);
}

/** True when a live key was revoked. */
export async function revokeKeyRow(client: pg.PoolClient, id: number, now: number): Promise<boolean> {
  await bumpAuthVersion(client);
  const revoked = await client.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
    now,
    id,
  ]);
  return (revoked.rowCount ?? 0) > 0;
}
