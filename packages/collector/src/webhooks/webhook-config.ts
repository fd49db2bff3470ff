import { parseWebhookKey } from './secrets.js';

/** Outgoing webhooks' settings (issue #21, README "Webhooks"). */
export interface WebhookConfig {
  /** TRACKLET_WEBHOOKS_ALLOW_PRIVATE: let endpoints reach private, loopback and link-local addresses (tests, LANs). */
  allowPrivate: boolean;
  /** TRACKLET_WEBHOOK_KEY: the key that encrypts signing secrets; null: one generated and kept in the database. */
  key: Buffer | null;
  /** TRACKLET_WEBHOOK_CONCURRENCY: requests in flight per worker (default 16). */
  concurrency: number;
  /** TRACKLET_WEBHOOK_ENDPOINT_CONCURRENCY: of which to one endpoint (default 4). */
  endpointConcurrency: number;
  /** TRACKLET_WEBHOOK_TIMEOUT_MS: one attempt's limit (default 10 s). */
  timeoutMs: number;
  /** TRACKLET_WEBHOOK_POLL_MS: how often an idle worker looks for due deliveries (default 100 ms). */
  pollMs: number;
  /**
   * TRACKLET_WEBHOOK_THREAD (default true): deliver on a worker thread, off ingest's event loop (worker-thread.ts);
   * false: on the event loop.
   */
  thread: boolean;
  /** TRACKLET_WEBHOOK_NICE: the thread's nice value (Linux), so ingest gets the CPU first (default 10). */
  nice: number;
  /**
   * TRACKLET_WEBHOOK_YIELD_AT: the collector's event loop utilization, in percent, above which the delivery thread
   * yields to ingest (ingest-load.ts): it claims a few a second, the outbox holding the rest until ingest calms down.
   * Default 100: never (on two cores 1,000 events/s already keep the loop ~75 % busy, so a lower value delays
   * deliveries there too: README "Webhooks").
   */
  yieldAt: number;
}

type Integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) => number;
type Flag = (env: NodeJS.ProcessEnv, name: string) => boolean;

export function loadWebhookConfig(env: NodeJS.ProcessEnv, integer: Integer, flag: Flag): WebhookConfig {
  return {
    allowPrivate: flag(env, 'TRACKLET_WEBHOOKS_ALLOW_PRIVATE'),
    key: env.TRACKLET_WEBHOOK_KEY ? parseWebhookKey(env.TRACKLET_WEBHOOK_KEY) : null,
    concurrency: integer(env, 'TRACKLET_WEBHOOK_CONCURRENCY', 16, 1, 1000),
    endpointConcurrency: integer(env, 'TRACKLET_WEBHOOK_ENDPOINT_CONCURRENCY', 4, 1, 1000),
    timeoutMs: integer(env, 'TRACKLET_WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
    pollMs: integer(env, 'TRACKLET_WEBHOOK_POLL_MS', 100, 1, 60_000),
    thread: flag({ TRACKLET_WEBHOOK_THREAD: 'true', ...env }, 'TRACKLET_WEBHOOK_THREAD'),
    nice: integer(env, 'TRACKLET_WEBHOOK_NICE', 10, 0, 19),
    yieldAt: integer(env, 'TRACKLET_WEBHOOK_YIELD_AT', 100, 1, 100),
  };
}
