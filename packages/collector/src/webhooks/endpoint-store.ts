import type { WebhookEndpoint } from '@tracklet/protocol';
import type { SqlPort, SqlRow } from './sql-port.js';

/** An endpoint as stored; secrets still sealed (secrets.ts). */
export interface EndpointRecord {
  id: number;
  account_id: number;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  /** When its deliveries began to fail without a success since (null: it answers). */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function endpointFromRow(row: SqlRow): EndpointRecord {
  return {
    id: Number(row.id),
    account_id: Number(row.account_id),
    url: String(row.url),
    events: JSON.parse(String(row.events)) as string[],
    description: String(row.description),
    enabled: Number(row.enabled) === 1,
    disabled_reason: (row.disabled_reason as string | null) ?? null,
    secret: String(row.secret),
    previous_secret: (row.previous_secret as string | null) ?? null,
    previous_secret_expires_at: num(row.previous_secret_expires_at),
    failing_since: num(row.failing_since),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export const endpointOutput = (e: EndpointRecord): WebhookEndpoint => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  enabled: e.enabled,
  disabled_reason: e.disabled_reason,
  created_at: new Date(e.created_at).toISOString(),
  updated_at: new Date(e.updated_at).toISOString(),
});

/** Endpoints' rows; every call but `enabledEndpoints` is scoped to one account (another's endpoint is not found). */
export class EndpointStore {
  constructor(private readonly sql: SqlPort) {}

  async list(accountId: number): Promise<EndpointRecord[]> {
    const rows = await this.sql.read('SELECT * FROM webhook_endpoints WHERE account_id = ? ORDER BY id', [accountId]);
    return rows.map(endpointFromRow);
  }

  async get(accountId: number, id: number): Promise<EndpointRecord | null> {
    const sql = 'SELECT * FROM webhook_endpoints WHERE account_id = ? AND id = ?';
    const [row] = await this.sql.read(sql, [accountId, id]);
    return row ? endpointFromRow(row) : null;
  }

  /** Every enabled endpoint of every account (the worker's list, and the pipeline's cache). */
  async enabledEndpoints(): Promise<EndpointRecord[]> {
    return (await this.sql.read('SELECT * FROM webhook_endpoints WHERE enabled = 1 ORDER BY id')).map(endpointFromRow);
  }

  async insert(e: Omit<EndpointRecord, 'id'>): Promise<EndpointRecord> {
    const [row] = await this.sql.transaction((run) =>
      run(
        `INSERT INTO webhook_endpoints (account_id, url, events, description, enabled, disabled_reason, secret,
           previous_secret, previous_secret_expires_at, failing_since, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          e.account_id,
          e.url,
          JSON.stringify(e.events),
          e.description,
          e.enabled ? 1 : 0,
          e.disabled_reason,
          e.secret,
          e.previous_secret,
          e.previous_secret_expires_at,
          e.failing_since,
          e.created_at,
          e.updated_at,
        ],
      ),
    );
    if (!row) throw new Error('tracklet: webhook endpoint not inserted');
    return endpointFromRow(row);
  }

  /** Writes back every changeable column of an endpoint read before. */
  async save(e: EndpointRecord): Promise<void> {
    await this.sql.transaction((run) =>
      run(
        `UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, enabled = ?, disabled_reason = ?, secret = ?,
           previous_secret = ?, previous_secret_expires_at = ?, failing_since = ?, updated_at = ?,
           disabled_at = CASE WHEN ? = 1 THEN NULL WHEN enabled = 1 THEN ? ELSE disabled_at END
         WHERE account_id = ? AND id = ?`,
        [
          e.url,
          JSON.stringify(e.events),
          e.description,
          e.enabled ? 1 : 0,
          e.disabled_reason,
          e.secret,
          e.previous_secret,
          e.previous_secret_expires_at,
          e.failing_since,
          e.updated_at,
          e.enabled ? 1 : 0,
          e.updated_at,
          e.account_id,
          e.id,
        ],
      ),
    );
  }

  /** Deletes the endpoint and its deliveries (pending ones are never sent). */
  async remove(accountId: number, id: number): Promise<void> {
    await this.sql.transaction(async (run) => {
      const deliveries = 'SELECT id FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ?';
      await run(`DELETE FROM webhook_attempts WHERE delivery_id IN (${deliveries})`, [accountId, id]);
      await run('DELETE FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ?', [accountId, id]);
      await run('DELETE FROM webhook_endpoints WHERE account_id = ? AND id = ?', [accountId, id]);
    });
  }
}
