/** The event log's settings (README "Configuration", docs/deploy.md). */
export interface LogConfig {
  /** NATS servers of the JetStream cluster (`nats://host:port`); the client fails over between them. */
  servers: string[];
  /** The JetStream stream; its subjects are `<stream>.<account id>`. */
  stream: string;
  /** Copies of each message the stream keeps (1, or 3 in a 3-node cluster: a publish then needs 2 of them). */
  replicas: number;
  /** How long a server-API write waits for the writer's outcome before answering 202 accepted. */
  waitMs: number;
  /** How long JetStream waits for a writer's ack before it hands the message to another writer. */
  ackWaitMs: number;
  /** Most messages a writer takes into one transaction. */
  batchSize: number;
  /** Most messages delivered and not yet acked, across all writers (the consumer's max_ack_pending). */
  maxAckPending: number;
}

type IntegerReader = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) => number;

/** NATS subjects and stream names are dot-separated tokens: a stream name is one token of safe characters. */
const streamName = /^[A-Za-z0-9_-]{1,64}$/;

/** TRACKLET_LOG and its companions; null when TRACKLET_LOG is unset (no log: events go straight to the store). */
export function loadLogConfig(
  env: NodeJS.ProcessEnv,
  { postgres, integer }: { postgres: boolean; integer: IntegerReader },
): LogConfig | null {
  const raw = env.TRACKLET_LOG;
  if (raw === undefined || raw.trim() === '') return null;
  const servers = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const server of servers) {
    if (!/^nats:\/\/[^\s/]+(:\d+)?\/?$/.test(server))
      throw new Error(`TRACKLET_LOG must be nats://host:port URLs separated by commas, got "${server}"`);
  }
  if (!postgres)
    throw new Error(
      'TRACKLET_LOG needs a PostgreSQL store: set TRACKLET_DB to a postgres:// URL (the writers and every collector share it)',
    );
  const stream = env.TRACKLET_LOG_STREAM || 'tracklet_events';
  if (!streamName.test(stream))
    throw new Error(`TRACKLET_LOG_STREAM must be 1–64 letters, digits, _ or -, got "${stream}"`);
  return {
    servers,
    stream,
    replicas: integer(env, 'TRACKLET_LOG_REPLICAS', 1, 1, 5),
    waitMs: integer(env, 'TRACKLET_LOG_WAIT_MS', 10_000, 0, 120_000),
    ackWaitMs: integer(env, 'TRACKLET_WRITER_ACK_WAIT_MS', 30_000, 1000, 3_600_000),
    batchSize: integer(env, 'TRACKLET_LOG_BATCH', 500, 1, 10_000),
    maxAckPending: integer(env, 'TRACKLET_LOG_MAX_ACK_PENDING', 4000, 1, 1_000_000),
  };
}
