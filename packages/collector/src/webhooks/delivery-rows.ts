/** One delivery as the pipeline queues it, in the event's transaction (the outbox row, status `pending`). */
export interface NewDelivery {
  endpoint_id: number;
  account_id: number;
  contact_id: number | null;
  event_id: number | null;
  /** The event's name, or `contact.merged`. */
  type: string;
  /** The JSON body to send, as sent; empty for an event's, built from the stored event when sent (payload-reads.ts). */
  payload: string;
  created_at: number;
}

const columns =
  'endpoint_id, account_id, contact_id, event_id, type, payload, status, attempts, next_attempt_at, created_at';

/** SQLite: one row per statement (prepared once, run on the writer connection). */
export const insertDeliverySql = `INSERT INTO webhook_deliveries (${columns}) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`;

export const deliveryParams = (d: NewDelivery): unknown[] => [
  d.endpoint_id,
  d.account_id,
  d.contact_id,
  d.event_id,
  d.type,
  d.payload,
  d.created_at,
  d.created_at,
];

/** PostgreSQL: every delivery a flush holds, in one statement ($1: the JSON array of NewDelivery). */
export const insertDeliveriesJsonSql = `INSERT INTO webhook_deliveries (${columns})
  SELECT endpoint_id, account_id, contact_id, event_id, type, payload, 'pending', 0, created_at, created_at
  FROM json_to_recordset($1::json) AS d(endpoint_id BIGINT, account_id BIGINT, contact_id BIGINT, event_id BIGINT,
    type TEXT, payload TEXT, created_at BIGINT)`;
