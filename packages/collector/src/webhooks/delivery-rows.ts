/** One outbox row as the pipeline queues it, in the event's transaction (schema-sql.ts, webhookOutboxSql). */
export interface NewOutboxRow {
  account_id: number;
  contact_id: number | null;
  event_id: number | null;
  /** The event's name, or `contact.merged`. */
  type: string;
  /** The JSON body to send; empty for an event's, built from the stored event when sent (payload-reads.ts). */
  payload: string;
  created_at: number;
}

const columns = 'account_id, contact_id, event_id, type, payload, created_at';

/** SQLite: one row per statement (prepared once, run on the writer connection). */
export const insertOutboxSql = `INSERT INTO webhook_outbox (${columns}) VALUES (?, ?, ?, ?, ?, ?)`;

export const outboxParams = (r: NewOutboxRow): unknown[] => [
  r.account_id,
  r.contact_id,
  r.event_id,
  r.type,
  r.payload,
  r.created_at,
];

/** PostgreSQL: every row a flush holds, in one statement ($1: the JSON array of NewOutboxRow). */
export const insertOutboxJsonSql = `INSERT INTO webhook_outbox (${columns})
  SELECT ${columns} FROM json_to_recordset($1::json) AS r(account_id BIGINT, contact_id BIGINT, event_id BIGINT,
    type TEXT, payload TEXT, created_at BIGINT)`;
