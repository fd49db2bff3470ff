import {
  type JetStreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { LogConfig } from './log-config.js';

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

const isNotFound = (error: unknown) =>
  error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;

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
      if (!isNotFound(error)) throw error;
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
