import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection, NoRespondersError, TimeoutError } from '@nats-io/transport-node';
import type { LogConfig } from './event-log-config.js';

/**
 * A connection to the JetStream cluster that fails over between the servers and reconnects forever; pings every
 * 5 s, so a server that went silent is noticed within ~10 s (a killed one at once: its socket closes).
 * Fails with a clear message when no server answers at start.
 */
export async function connectToLog(servers: string[], name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5000,
      pingInterval: 5000,
      maxPingOut: 2,
    });
  } catch (error) {
    throw new Error(
      `cannot connect to the event log (TRACKLET_LOG=${servers.join(',')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Whether the connection is up now, from its status events (nats.js has no synchronous "connected" flag). */
export interface ConnectionState {
  readonly up: boolean;
}

/** Follows disconnect / reconnect / close of a connection that is connected when given. */
export function watchConnection(nc: NatsConnection): ConnectionState {
  const state = { up: true };
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'close') state.up = false;
      else if (status.type === 'reconnect') state.up = true;
    }
  })();
  void nc.closed().then(() => {
    state.up = false;
  });
  return state;
}

/** How long a collector or writer starting on the event log waits for JetStream to answer its setup calls. */
export const logSetupWaitMs = 60_000;

/**
 * JetStream did not answer yet, which is not a refusal: its nodes have no leader (a cluster still forming, or
 * electing again after a node was lost). A timeout, no responders, or 503 "JetStream system temporarily unavailable".
 */
export function isLogUnanswered(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    error instanceof NoRespondersError ||
    (error instanceof JetStreamApiError && error.status === 503)
  );
}

/**
 * Runs `setup` (stream and consumer checks at start) again while JetStream cannot answer yet, pausing 0.25 s, then
 * longer, up to 2 s, for at most `waitMs`; fails at once for anything else. `onWait` hears each unanswered attempt.
 */
export async function whenLogAnswers<T>(
  setup: () => Promise<T>,
  onWait: (error: Error) => void = () => {},
  waitMs = logSetupWaitMs,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await setup();
    } catch (error) {
      if (!isLogUnanswered(error) || Date.now() + pause > deadline) throw error;
      onWait(error as Error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Retries within this window are absorbed by JetStream (same message id); later ones reach the writer's checks. */
export const duplicateWindowMs = 2 * 60_000;

/**
 * The stream: file storage, `replicas` copies (a publish is acked once a majority stored it), work-queue retention
 * (a message is removed once a writer acked it, i.e. once it is committed to PostgreSQL), no size limit: while
 * PostgreSQL is down the log keeps what the collectors accepted.
 */
export function streamConfigOf(config: LogConfig): Partial<StreamConfig> & { name: string } {
  return {
    name: config.stream,
    subjects: [`${config.stream}.*`],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    num_replicas: config.replicas,
    duplicate_window: nanos(duplicateWindowMs),
  };
}

const isApiError = (error: unknown, code: number) => error instanceof JetStreamApiError && error.code === code;

/** Creates the stream, or brings an existing one to this configuration; safe when several processes start at once. */
export async function ensureStream(jsm: JetStreamManager, config: LogConfig): Promise<void> {
  const wanted = streamConfigOf(config);
  for (let attempt = 0; ; attempt++) {
    try {
      const { config: current } = await jsm.streams.info(wanted.name);
      const same =
        current.num_replicas === wanted.num_replicas &&
        current.duplicate_window === wanted.duplicate_window &&
        current.subjects?.join() === wanted.subjects?.join();
      if (!same)
        await jsm.streams.update(wanted.name, {
          num_replicas: wanted.num_replicas,
          duplicate_window: wanted.duplicate_window,
          subjects: wanted.subjects,
        });
      return;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    }
    try {
      await jsm.streams.add(wanted);
      return;
    } catch (error) {
      // Another process created it between our info and add: look again once.
      if (attempt > 0) throw error;
    }
  }
}

/** The durable pull consumer every writer shares: JetStream hands each message to one of them. */
export const writersConsumer = 'tracklet_writers';

/**
 * Creates the writers' consumer, or brings it to this configuration: explicit acks (a writer acks after COMMIT),
 * `ackWaitMs` before an unacked message goes to another writer, at most `maxAckPending` messages out at once,
 * redelivered without limit (a message is only given up by a writer that cannot decode it).
 */
export async function ensureConsumer(jsm: JetStreamManager, config: LogConfig): Promise<void> {
  const wanted = { ack_wait: nanos(config.ackWaitMs), max_ack_pending: config.maxAckPending };
  try {
    const { config: current } = await jsm.consumers.info(config.stream, writersConsumer);
    if (current.ack_wait !== wanted.ack_wait || current.max_ack_pending !== wanted.max_ack_pending) {
      await jsm.consumers.update(config.stream, writersConsumer, wanted);
    }
    return;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  // Creating an identical durable twice is fine, so writers starting together are safe.
  await jsm.consumers.add(config.stream, {
    durable_name: writersConsumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_deliver: -1,
    ...wanted,
  });
}
