import type { WebhookDelivery } from '@tracklet/protocol';
import type { SqlPort, SqlRow } from './sql-port.js';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
const intOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const deliveryOutput = (row: SqlRow): WebhookDelivery => ({
  id: Number(row.id),
  endpoint_id: Number(row.endpoint_id),
  type: String(row.type),
  event_id: intOrNull(row.event_id),
  contact_id: intOrNull(row.contact_id),
  status: row.status as WebhookDelivery['status'],
  attempts: Number(row.attempts),
  last_status_code: intOrNull(row.last_status_code),
  last_error: (row.last_error as string | null) ?? null,
  last_duration_ms: intOrNull(row.last_duration_ms),
  next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
  created_at: iso(row.created_at) as string,
  delivered_at: iso(row.delivered_at),
  history: [],
});

const columns = `id, endpoint_id, type, event_id, contact_id, status, attempts, last_status_code, last_error,
  last_duration_ms, next_attempt_at, created_at, delivered_at`;

/** An endpoint's deliveries as its owner sees them (always scoped to the account). */
export class DeliveryListing {
  constructor(private readonly sql: SqlPort) {}

  /** Newest first. */
  async list(
    accountId: number,
    endpointId: number,
    options: { status?: string | undefined; limit: number },
  ): Promise<WebhookDelivery[]> {
    const filter = options.status ? ' AND status = ?' : '';
    const rows = await this.sql.read(
      `SELECT ${columns} FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ?${filter} ORDER BY id DESC LIMIT ?`,
      [accountId, endpointId, ...(options.status ? [options.status] : []), options.limit],
    );
    return this.withHistory(rows.map(deliveryOutput));
  }

  /** Each delivery's attempts, oldest first, read for the whole page at once. */
  private async withHistory(deliveries: WebhookDelivery[]): Promise<WebhookDelivery[]> {
    if (deliveries.length === 0) return deliveries;
    const rows = await this.sql.read(
      `SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
       WHERE delivery_id IN (${deliveries.map(() => '?').join(', ')}) ORDER BY delivery_id, attempt`,
      deliveries.map((d) => d.id),
    );
    const byDelivery = new Map<number, WebhookDelivery['history']>();
    for (const r of rows)
      byDelivery.set(Number(r.delivery_id), [
        ...(byDelivery.get(Number(r.delivery_id)) ?? []),
        {
          attempt: Number(r.attempt),
          at: iso(r.at) as string,
          status_code: intOrNull(r.status_code),
          error: (r.error as string | null) ?? null,
          duration_ms: Number(r.duration_ms),
        },
      ]);
    return deliveries.map((d) => ({ ...d, history: byDelivery.get(d.id) ?? [] }));
  }

  async get(accountId: number, endpointId: number, id: number): Promise<WebhookDelivery | null> {
    const [row] = await this.sql.read(
      `SELECT ${columns} FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ? AND id = ?`,
      [accountId, endpointId, id],
    );
    return row ? ((await this.withHistory([deliveryOutput(row)]))[0] ?? null) : null;
  }

  /** Sends it again as soon as a worker can (a delivered one is sent once more: receivers dedupe by webhook-id). */
  async retry(accountId: number, endpointId: number, id: number, now: number): Promise<void> {
    await this.sql.transaction((run) =>
      run(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL, delivered_at = NULL
         WHERE account_id = ? AND endpoint_id = ? AND id = ?`,
        [now, accountId, endpointId, id],
      ),
    );
  }

  /** An endpoint enabled again: what waited while it was disabled is due now. */
  async resume(accountId: number, endpointId: number, now: number): Promise<void> {
    await this.sql.transaction((run) =>
      run(
        `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE account_id = ? AND endpoint_id = ? AND status = 'pending'`,
        [now, accountId, endpointId],
      ),
    );
  }
}
