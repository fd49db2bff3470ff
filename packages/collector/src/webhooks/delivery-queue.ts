import type { SqlPort, SqlRow } from './sql-port.js';

/** A delivery a worker leased, to send. */
export interface ClaimedDelivery {
  id: number;
  endpoint_id: number;
  contact_id: number | null;
  event_id: number | null;
  type: string;
  /** The body; '' until the worker builds an event's from the stored event (payload-reads.ts). */
  payload: string;
  attempts: number;
  created_at: number;
}

/** What became of a claimed delivery; `released`: not tried (an earlier one of its contact failed), lease dropped. */
export type Completion =
  | { id: number; status: 'released' }
  | {
      id: number;
      status: 'delivered' | 'pending' | 'failed';
      attempts: number;
      next_attempt_at: number | null;
      code: number | null;
      error: string | null;
      duration: number;
      delivered_at: number | null;
    };

const claimedOf = (row: SqlRow): ClaimedDelivery => ({
  id: Number(row.id),
  endpoint_id: Number(row.endpoint_id),
  contact_id: row.contact_id === null ? null : Number(row.contact_id),
  event_id: row.event_id === null ? null : Number(row.event_id),
  type: String(row.type),
  payload: String(row.payload),
  attempts: Number(row.attempts),
  created_at: Number(row.created_at),
});

/**
 * Due deliveries of one endpoint, oldest first. A delivery waits while an earlier one of its contact is backing off
 * or leased by another worker (per-contact order); earlier ones claimed together are sent first by the worker.
 */
const dueSql = (dialect: SqlPort['dialect']) => `
  SELECT d.id FROM webhook_deliveries d
  WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.contact_id = d.contact_id
      AND p.status = 'pending' AND p.id < d.id AND (p.next_attempt_at > ? OR p.lease_until > ?))
  ORDER BY d.next_attempt_at, d.id LIMIT ?${dialect === 'postgres' ? ' FOR UPDATE OF d SKIP LOCKED' : ''}`;

const releaseSql = {
  sqlite: 'UPDATE webhook_deliveries SET lease_until = NULL WHERE id IN (SELECT value FROM json_each(?))',
  postgres:
    'UPDATE webhook_deliveries SET lease_until = NULL WHERE id IN (SELECT json_array_elements_text(?::json)::bigint)',
};
const completionColumns = `status = c.status, attempts = c.attempts, next_attempt_at = c.next_attempt_at,
  lease_until = NULL, last_status_code = c.code, last_error = c.error, last_duration_ms = c.duration,
  delivered_at = c.delivered_at`;
/** Every attempt is kept beside its delivery (the owner's history); `at` is the completion's time. */
const attemptsSql = {
  sqlite: `INSERT OR REPLACE INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
    SELECT value->>'id', value->>'attempts', ?, value->>'code', value->>'error', value->>'duration' FROM json_each(?)`,
  postgres: `INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
    SELECT c.id, c.attempts, ?, c.code, c.error, c.duration
    FROM json_to_recordset(?::json) AS c(id BIGINT, attempts INTEGER, code INTEGER, error TEXT, duration INTEGER)
    ON CONFLICT (delivery_id, attempt) DO NOTHING`,
};
const completeSql = {
  sqlite: `UPDATE webhook_deliveries AS d SET ${completionColumns}
    FROM (SELECT value->>'id' AS id, value->>'status' AS status, value->>'attempts' AS attempts,
      value->>'next_attempt_at' AS next_attempt_at, value->>'code' AS code, value->>'error' AS error,
      value->>'duration' AS duration, value->>'delivered_at' AS delivered_at FROM json_each(?)) AS c
    WHERE d.id = c.id`,
  postgres: `UPDATE webhook_deliveries AS d SET ${completionColumns}
    FROM json_to_recordset(?::json) AS c(id BIGINT, status TEXT, attempts INTEGER, next_attempt_at BIGINT, code INTEGER,
      error TEXT, duration INTEGER, delivered_at BIGINT)
    WHERE d.id = c.id`,
};

/**
 * An outbox row's deliveries: one per endpoint of its account that subscribes to its type (`*` or the name), was
 * created before the row was queued, and is enabled or was disabled since (its deliveries wait for it to be enabled
 * again, as if fanned out at once; an endpoint already disabled then gets none). Inserted in the rows' order, so a contact's stay in order.
 */
const fanOutSql = {
  sqlite: `INSERT INTO webhook_deliveries (endpoint_id, account_id, contact_id, event_id, type, payload, status,
      attempts, next_attempt_at, created_at)
    SELECT e.id, o.account_id, o.contact_id, o.event_id, o.type, o.payload, 'pending', 0, o.created_at, o.created_at
    FROM webhook_outbox o JOIN webhook_endpoints e ON e.account_id = o.account_id AND e.created_at <= o.created_at
      AND (e.enabled = 1 OR e.disabled_at >= o.created_at)
      AND EXISTS (SELECT 1 FROM json_each(e.events) AS t WHERE t.value IN ('*', o.type))
    WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.id, e.id`,
  postgres: `INSERT INTO webhook_deliveries (endpoint_id, account_id, contact_id, event_id, type, payload, status,
      attempts, next_attempt_at, created_at)
    SELECT e.id, o.account_id, o.contact_id, o.event_id, o.type, o.payload, 'pending', 0, o.created_at, o.created_at
    FROM webhook_outbox o JOIN webhook_endpoints e ON e.account_id = o.account_id AND e.created_at <= o.created_at
      AND (e.enabled = 1 OR e.disabled_at >= o.created_at)
      AND (jsonb_exists(e.events::jsonb, '*') OR jsonb_exists(e.events::jsonb, o.type))
    WHERE o.id IN (SELECT json_array_elements_text(?::json)::bigint) ORDER BY o.id, e.id`,
};
const idsIn = {
  sqlite: 'SELECT value FROM json_each(?)',
  postgres: 'SELECT json_array_elements_text(?::json)::bigint',
};

/** The outbox as the worker sees it: fan-outs, claims (leases) and completions, each a batch in one transaction. */
export class DeliveryQueue {
  constructor(private readonly sql: SqlPort) {}

  /** Is an outbox row waiting to be fanned out? (A read, so an idle worker writes nothing.) */
  async hasOutbox(): Promise<boolean> {
    return (await this.sql.read('SELECT 1 AS waiting FROM webhook_outbox LIMIT 1')).length > 0;
  }

  /**
   * Fans the oldest `limit` outbox rows out into deliveries and deletes them, in one transaction; answers how many
   * rows it took (`limit`: more may wait). On PostgreSQL one fan-out runs at a time (an advisory lock), so deliveries'
   * ids follow the rows' order whichever worker fans them out; rows are named by id, never by a range, since a row of
   * a transaction still open when it read may commit later with a smaller id.
   */
  async fanOut(limit: number): Promise<number> {
    const { dialect } = this.sql;
    return this.sql.transaction(async (run) => {
      if (dialect === 'postgres')
        await run("SELECT pg_advisory_xact_lock(hashtextextended('tracklet:webhooks:fan-out', 0))");
      const ids = (await run('SELECT id FROM webhook_outbox ORDER BY id LIMIT ?', [limit])).map((r) => Number(r.id));
      if (ids.length === 0) return 0;
      const json = JSON.stringify(ids);
      await run(fanOutSql[dialect], [json]);
      await run(`DELETE FROM webhook_outbox WHERE id IN (${idsIn[dialect]})`, [json]);
      return ids.length;
    });
  }

  /** Is anything due for this endpoint? (A read, so an idle worker writes nothing.) */
  async hasDue(endpointId: number, now: number): Promise<boolean> {
    const sql = `SELECT 1 AS due FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'pending'
      AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1`;
    return (await this.sql.read(sql, [endpointId, now, now])).length > 0;
  }

  /**
   * Leases up to `limit` due deliveries of each endpoint until `now + leaseMs`, in one transaction. On PostgreSQL an
   * advisory lock per endpoint keeps two workers' claims of one endpoint apart, so per-contact order holds.
   */
  async claim(limits: Array<[number, number]>, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { dialect } = this.sql;
    return this.sql.transaction(async (run) => {
      const claimed: ClaimedDelivery[] = [];
      for (const [endpointId, limit] of limits) {
        if (dialect === 'postgres')
          await run("SELECT pg_advisory_xact_lock(hashtextextended('tracklet:webhooks:' || ?::text, 0))", [endpointId]);
        const ids = (await run(dueSql(dialect), [endpointId, now, now, now, now, limit])).map((r) => Number(r.id));
        if (ids.length === 0) continue;
        const rows = await run(
          `UPDATE webhook_deliveries SET lease_until = ? WHERE id IN (${ids.map(() => '?').join(', ')}) RETURNING *`,
          [now + leaseMs, ...ids],
        );
        claimed.push(...rows.map(claimedOf).sort((a, b) => a.id - b.id));
      }
      return claimed;
    });
  }

  /**
   * Records attempts in one statement (and releases what was not tried); endpoints that answered are no longer
   * failing, those that did not are failing since `now` unless they already were, and `disable` are disabled.
   */
  async complete(
    completions: Completion[],
    endpoints: { ok: number[]; failed: number[]; disable: Array<{ id: number; reason: string }> },
    now: number,
  ) {
    const { dialect } = this.sql;
    const released = completions.filter((c) => c.status === 'released').map((c) => c.id);
    const done = completions.filter((c) => c.status !== 'released');
    const ids = idsIn[dialect];
    await this.sql.transaction(async (run) => {
      if (released.length > 0) await run(releaseSql[dialect], [JSON.stringify(released)]);
      if (done.length > 0) {
        await run(completeSql[dialect], [JSON.stringify(done)]);
        await run(attemptsSql[dialect], [now, JSON.stringify(done)]);
      }
      if (endpoints.ok.length > 0)
        await run(
          `UPDATE webhook_endpoints SET failing_since = NULL WHERE failing_since IS NOT NULL AND id IN (${ids})`,
          [JSON.stringify(endpoints.ok)],
        );
      if (endpoints.failed.length > 0)
        await run(`UPDATE webhook_endpoints SET failing_since = ? WHERE failing_since IS NULL AND id IN (${ids})`, [
          now,
          JSON.stringify(endpoints.failed),
        ]);
      for (const { id, reason } of endpoints.disable)
        await run(
          'UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ?, disabled_at = ? WHERE id = ?',
          [reason, now, now, id],
        );
    });
  }

  /**
   * Undelivered webhooks and when the first of them was queued (metrics, each scrape): pending deliveries, and outbox
   * rows not fanned out yet (one each, whatever the number of their endpoints). Counted through the pending index and
   * the outbox's key alone, then one row read each: with the rows' times, a backlog of 80,000 took 56 ms of the event
   * loop a scrape on SQLite instead of 2.5.
   */
  async depth(): Promise<{ pending: number; oldestCreatedAt: number | null }> {
    const oldest = async (table: string, where: string) => {
      const [row] = await this.sql.read(`SELECT count(*) AS n, min(id) AS first FROM ${table}${where}`);
      if (row?.first == null) return { n: 0, at: null };
      const [first] = await this.sql.read(`SELECT created_at FROM ${table} WHERE id = ?`, [row.first]);
      return { n: Number(row.n), at: first ? Number(first.created_at) : null };
    };
    const deliveries = await oldest('webhook_deliveries', " WHERE status = 'pending'");
    const outbox = await oldest('webhook_outbox', '');
    const times = [deliveries.at, outbox.at].filter((t): t is number => t !== null);
    return { pending: deliveries.n + outbox.n, oldestCreatedAt: times.length > 0 ? Math.min(...times) : null };
  }

  /** Deletes delivered deliveries older than `before` (the worker keeps 30 days). */
  async prune(before: number): Promise<void> {
    await this.sql.transaction(async (run) => {
      const old = "SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < ?";
      await run(`DELETE FROM webhook_attempts WHERE delivery_id IN (${old})`, [before]);
      await run("DELETE FROM webhook_deliveries WHERE status = 'delivered' AND delivered_at < ?", [before]);
    });
  }
}
