import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { LogConfig } from './log-config.js';

/** The durable pull consumer every writer shares: JetStream hands each message to one of them. */
export const writersConsumer = 'tracklet_writers';

const isNotFound = (error: unknown) =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound;

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
    if (!isNotFound(error)) throw error;
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
