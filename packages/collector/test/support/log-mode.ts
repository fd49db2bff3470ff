import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { inject } from 'vitest';
import type { CollectorConfig } from '../../src/config.js';
import { writersConsumer } from '../../src/event-log/jetstream.js';

/**
 * The `cluster` Vitest project runs the collector suite in log mode (issue #8): every test collector publishes to a
 * stream of its own on the project's JetStream cluster and runs a log writer in its process, on a fresh PostgreSQL
 * database. Streams have one replica there (creating a 3-replica stream costs ~0.5 s per collector); the replicated
 * setup is what test/cluster/ covers.
 */
export const testLog = process.env.TRACKLET_TEST_STORE === 'cluster';

/** The cluster's client URLs (the cluster project's globalSetup provides them). */
export function natsUrl(): string {
  const url = inject('natsUrl');
  if (!url) throw new Error('no NATS test cluster: run the cluster Vitest project (its globalSetup starts one)');
  return url;
}

const streams = new Map<string, string>();

/** The log settings of a test collector on this database path: the same stream for every call (a restart sees it). */
export function logEnv(dbPath: string): Record<string, string> {
  if (!testLog) return {};
  let stream = streams.get(dbPath);
  if (!stream) streams.set(dbPath, (stream = `t_${randomBytes(6).toString('hex')}`));
  return { TRACKLET_LOG: natsUrl(), TRACKLET_LOG_STREAM: stream };
}

const managers = new Map<string, Promise<JetStreamManager>>();

/**
 * One connection per cluster for the whole test file. Without the API check on creation (an account-info request):
 * right after a node is killed that request can time out while the survivors elect again, and every JetStream call
 * below is asked again until its deadline anyway.
 */
function jsm(servers: string[]): Promise<JetStreamManager> {
  let manager = managers.get(servers.join());
  if (!manager) {
    manager = connect({ servers, maxReconnectAttempts: -1 }).then((nc) => jetstreamManager(nc, { checkAPI: false }));
    managers.set(servers.join(), manager);
    manager.catch(() => managers.delete(servers.join()));
  }
  return manager;
}

/**
 * Resolves once the writers committed everything published to this collector's stream so far: reads after a
 * beacon (or a 202) wait for the writer in log mode. A no-op without a log (a collector answers after COMMIT).
 */
export async function settled(c: { config: CollectorConfig }, timeoutMs = 15_000): Promise<void> {
  if (c.config.log) await settledStream(c.config.log.servers, c.config.log.stream, timeoutMs);
}

/** Resolves once the writers acked (so committed) every message published to `stream` so far. */
export async function settledStream(servers: string[], stream: string, timeoutMs = 15_000): Promise<void> {
  const manager = await jsm(servers);
  const deadline = Date.now() + timeoutMs;
  // JetStream API calls may time out while a killed node's roles are elected again: ask again until the deadline.
  const ask = async <T>(question: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await question();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  };
  const published = (await ask(() => manager.streams.info(stream))).state.last_seq;
  while ((await ask(() => manager.consumers.info(stream, writersConsumer))).ack_floor.stream_seq < published) {
    if (Date.now() > deadline)
      throw new Error(`the writers did not commit stream ${stream} up to ${published} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The result status of a beacon event that was taken: `created` (stored) on a single node; in log mode `accepted`
 * (durable in the log, readable once the writer committed it: call `settled` before reading it).
 */
export const beaconTaken: 'created' | 'accepted' = testLog ? 'accepted' : 'created';
