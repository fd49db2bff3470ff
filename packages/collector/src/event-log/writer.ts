import { type ConsumerMessages, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyBaseLogger } from 'fastify';
import { loggableError } from '../logger.js';
import type { PipelineDeps } from '../pipeline/context.js';
import type { LogConfig } from './event-log-config.js';
import {
  connectToLog,
  ensureConsumer,
  ensureStream,
  watchConnection,
  whenLogAnswers,
  writersConsumer,
} from './jetstream.js';
import { writeBatch } from './write-batch.js';

export interface LogWriterOptions {
  config: LogConfig;
  /** The stateful pipeline's dependencies; `deps.store` must be the PostgreSQL store. */
  deps: PipelineDeps;
  nc: NatsConnection;
  log: FastifyBaseLogger;
}

/** A running writer (`tracklet writer`, or inside a test collector). */
export interface LogWriter {
  /** Messages written (acked) so far. */
  readonly written: number;
  /** Messages delivered to this writer and not yet acked: the batch in hand and those waiting for the next. */
  readonly held: number;
  /** Messages that came to this writer again (another writer died holding them, or a batch was nak'ed). */
  readonly redelivered: number;
  /** Throws unless connected to the log and the store answers. */
  ready(): Promise<void>;
  /** Stops taking messages, finishes the batch in hand (commit, outcomes, acks), hands the rest back; then resolves. */
  stop(): Promise<void>;
}

/**
 * Pulls the stream through the shared durable consumer and writes what arrives in batches: messages that arrive
 * while a batch is written wait and form the next one (up to `batchSize`), like the store's group commit. While a
 * message is held, its ack deadline is pushed back (`working`), so a slow batch is not handed to another writer.
 */
export async function startLogWriter({ config, deps, nc, log }: LogWriterOptions): Promise<LogWriter> {
  const consumer = await whenLogAnswers(
    async () => {
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, config);
      await ensureConsumer(jsm, config);
      return jetstream(nc).consumers.get(config.stream, writersConsumer);
    },
    (error) => log.warn(`the event log does not answer yet (${error.message}); asking again`),
  );
  const connection = watchConnection(nc);
  const buffer: JsMsg[] = [];
  let inHand: JsMsg[] = [];
  let written = 0;
  let redelivered = 0;
  let stopping = false;
  let messages: ConsumerMessages | null = null;
  let draining: Promise<void> | null = null;

  const drain = async () => {
    // Let the messages already on the socket join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (buffer.length > 0 && !stopping) {
      inHand = buffer.splice(0, config.batchSize);
      try {
        written += await writeBatch(deps, nc, inHand, log);
      } catch (error) {
        log.error({ err: loggableError(error) }, 'event log: batch failed; its messages will be delivered again');
        for (const msg of inHand) msg.nak(1000);
      }
      inHand = [];
    }
  };
  const kick = () => {
    draining ??= drain().finally(() => {
      draining = null;
      if (buffer.length > 0 && !stopping) kick();
    });
  };
  const heartbeat = setInterval(
    () => {
      for (const msg of [...inHand, ...buffer]) msg.working();
    },
    Math.max(500, config.ackWaitMs / 3),
  );

  const pull = async () => {
    while (!stopping) {
      try {
        // Pull requests expire after 5 s (heartbeats every 2.5 s): a consumer leader lost with a NATS node is noticed
        // within seconds, not the client's default 30 s.
        messages = await consumer.consume({ max_messages: config.batchSize, expires: 5000 });
        for await (const msg of messages) {
          if (msg.redelivered) redelivered++;
          buffer.push(msg);
          kick();
        }
      } catch (error) {
        if (!stopping) log.warn({ err: loggableError(error) }, 'event log: consuming failed; trying again');
      }
      if (!stopping) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const pulling = pull();

  return {
    get written() {
      return written;
    },
    get held() {
      return buffer.length + inHand.length;
    },
    get redelivered() {
      return redelivered;
    },
    ready: async () => {
      if (!connection.up) throw new Error('not connected to the event log');
      await deps.store.ping();
    },
    stop: async () => {
      stopping = true;
      clearInterval(heartbeat);
      await messages?.close().catch(() => {});
      await draining;
      // Not started: back to the stream at once, for another writer.
      for (const msg of buffer.splice(0)) msg.nak();
      await pulling;
      await nc.flush().catch(() => {});
    },
  };
}

/** A log writer inside a collector process, on its own NATS connection and the collector's store (tests). */
export async function startInProcessWriter(
  config: LogConfig,
  deps: PipelineDeps,
  log: FastifyBaseLogger,
): Promise<LogWriter> {
  const nc = await connectToLog(config.servers, 'tracklet-writer');
  const writer = await startLogWriter({ config, deps, nc, log }).catch(async (error) => {
    await nc.close();
    throw error;
  });
  return {
    get written() {
      return writer.written;
    },
    get held() {
      return writer.held;
    },
    get redelivered() {
      return writer.redelivered;
    },
    ready: () => writer.ready(),
    stop: async () => {
      await writer.stop();
      await nc.drain().catch(() => nc.close());
    },
  };
}
