import { jetstream, jetstreamManager, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { nuid } from '@nats-io/transport-node';
import { TrackletError } from '../errors.js';
import type { PendingEvent } from '../pipeline/context.js';
import type { LogConfig } from './event-log-config.js';
import { connectToLog, ensureStream, watchConnection, whenLogAnswers } from './jetstream.js';
import {
  decodeLogMessage,
  decodeOutcomes,
  encodeLogMessage,
  keySubjectOf,
  type LogMessage,
  messageIdOf,
  subjectOf,
} from './messages.js';
import { type KeyWatch, OutcomeWaiters, watchKey } from './outcome-waiters.js';

/** How long a publish waits for JetStream's ack before the request answers 503. */
const publishTimeoutMs = 5000;

/** The collector's side of the event log (TRACKLET_LOG): publish accepted events, hear the writers' outcomes. */
export interface EventLog {
  readonly config: LogConfig;
  readonly outcomes: OutcomeWaiters;
  /**
   * Publishes one event (its id assigned) and resolves with JetStream's ack, i.e. once a majority of the stream's
   * replicas stored it. `reply`: the writer sends the outcome to this collector (`full`: with the stored event).
   * Fails with the contract's 503 store_unavailable when the log cannot take it.
   */
  publish(event: PendingEvent & { id: number }, reply: { full: boolean } | null): Promise<PubAck>;
  /** Publishes again under a message id of its own, past the duplicate window (see publish-and-wait.ts). */
  publishAgain(event: PendingEvent & { id: number }, reply: { full: boolean }): Promise<PubAck>;
  /**
   * Message `seq` while the stream holds it; null once it does not (work queue: a writer committed and acked it).
   * Throws when the log cannot say.
   */
  messageAt(seq: number): Promise<LogMessage | null>;
  /** Listens for the outcome a writer announces for this message id (see keySubjectOf); close it when done. */
  watchKey(messageId: string): KeyWatch;
  /** Throws unless connected and the stream answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const unavailable = () =>
  new TrackletError('store_unavailable', 'the event log is not reachable right now; nothing was accepted', {
    retryAfter: 1,
  });

/**
 * Connects, creates or updates the stream (waiting while JetStream has no leader: whenLogAnswers), and listens for
 * outcomes on `tracklet.outcomes.<nuid>`.
 */
export async function openEventLog(config: LogConfig, name = 'tracklet-collector'): Promise<EventLog> {
  const nc = await connectToLog(config.servers, name);
  const connection = watchConnection(nc);
  let jsm: JetStreamManager;
  try {
    jsm = await whenLogAnswers(async () => {
      const manager = await jetstreamManager(nc, { timeout: publishTimeoutMs });
      await ensureStream(manager, config);
      return manager;
    });
  } catch (error) {
    await nc.close();
    throw new Error(`cannot create the event log's stream ${config.stream}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const js = jetstream(nc, { timeout: publishTimeoutMs });
  const outcomes = new OutcomeWaiters();
  const replySubject = `tracklet.outcomes.${nuid.next()}`;
  nc.subscribe(replySubject, {
    callback: (error, msg) => {
      if (!error) outcomes.deliver(decodeOutcomes(msg.data));
    },
  });

  const send = async (event: PendingEvent & { id: number }, msgID: string, reply: { full: boolean } | null) => {
    if (!connection.up) throw unavailable();
    try {
      return await js.publish(
        subjectOf(config.stream, event.accountId),
        encodeLogMessage(event, reply ? replySubject : null, reply?.full ?? false),
        { msgID, timeout: publishTimeoutMs },
      );
    } catch {
      throw unavailable();
    }
  };

  return {
    config,
    outcomes,
    publish: (event, reply) => send(event, messageIdOf(event), reply),
    publishAgain: (event, reply) => send(event, `${messageIdOf(event)}:again:${nuid.next()}`, reply),
    messageAt: async (seq) => {
      const stored = await jsm.streams.getMessage(config.stream, { seq });
      return stored ? decodeLogMessage(stored.data) : null;
    },
    watchKey: (messageId) => watchKey(nc, keySubjectOf(messageId)),
    ping: async () => {
      if (!connection.up) throw new Error('not connected to the event log');
      await jsm.streams.info(config.stream);
    },
    close: async () => {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
