import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { isPostgresUrl } from '../store/postgres-url.js';
import { registerQueueGauges } from './webhook-metrics.js';
import { DeliveryListing } from './delivery-listing.js';
import { DeliveryQueue } from './delivery-queue.js';
import { EndpointCache } from './endpoint-cache.js';
import { EndpointStore } from './endpoint-store.js';
import { loadSecretBox, type SecretBox } from './secrets.js';
import type { Resolver } from './ssrf-guard.js';
import type { WebhookConfig } from './webhook-config.js';
import { IngestLoad } from './ingest-load.js';
import { contactsVia, type PayloadReads } from './payload-reads.js';
import { WebhookWorker } from './worker.js';
import { startWorkerThread } from './worker-thread-handle.js';

/** Everything of outgoing webhooks (issue #21) a process holds: its stores, the pipeline's cache, settings, clock. */
export interface Webhooks {
  endpoints: EndpointStore;
  listing: DeliveryListing;
  queue: DeliveryQueue;
  /** Events and contacts for the bodies a worker on this thread builds (a delivery thread reads its own). */
  payloads: PayloadReads;
  cache: EndpointCache;
  box: SecretBox;
  config: WebhookConfig;
  clock: () => number;
  /** How endpoint host names are resolved (tests give their own to prove the connect-time check). */
  resolve?: Resolver;
  /**
   * How busy ingest is, 0 to 1 (tests give their own); absent: measured on this thread for a delivery thread
   * (ingest-load.ts), never busy for a worker on the event loop.
   */
  ingestLoad?: () => number;
}

export interface WebhookOptions {
  clock?: () => number;
  resolve?: Resolver;
  ingestLoad?: () => number;
}

export async function openWebhooks(
  store: Store,
  config: WebhookConfig,
  options: WebhookOptions = {},
): Promise<Webhooks> {
  const endpoints = new EndpointStore(store.webhookSql);
  return {
    endpoints,
    listing: new DeliveryListing(store.webhookSql),
    queue: new DeliveryQueue(store.webhookSql),
    payloads: { events: (ids) => store.getEventsByIds(ids), contacts: contactsVia(store.webhookSql) },
    cache: new EndpointCache(endpoints, options.clock ?? Date.now),
    box: await loadSecretBox(store.webhookSql, config.key),
    config,
    clock: options.clock ?? Date.now,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.ingestLoad ? { ingestLoad: options.ingestLoad } : {}),
  };
}

/** The thread runs the built module; from the sources (vitest) the worker stays on the event loop. */
const threadBuilt = existsSync(fileURLToPath(new URL('./worker-thread.js', import.meta.url)));

/**
 * A started worker on these webhooks, counted in `metrics` (with the queue's gauges), its failures logged: on a
 * thread of its own with TRACKLET_WEBHOOK_THREAD (on PostgreSQL connected itself to `db`, TRACKLET_DB; on SQLite it
 * reads the file on its own connection and writes through this process's writer), unless a test injected a clock, a
 * resolver or an ingest load, which cannot cross to a thread, or the database is in memory (this thread's alone). With TRACKLET_WEBHOOK_YIELD_AT under 100 the thread yields to ingest while this thread is busy
 * (ingest-load.ts).
 */
export function startWebhookWorker(
  webhooks: Webhooks,
  metrics: Metrics,
  log: { error(details: object, message: string): void },
  db: string,
): { close(): Promise<void> } {
  registerQueueGauges(metrics.registry, webhooks.queue, webhooks.clock);
  const postgres = isPostgresUrl(db);
  const injected = webhooks.clock !== Date.now || webhooks.resolve || webhooks.ingestLoad;
  if (webhooks.config.thread && !injected && threadBuilt && db !== ':memory:') {
    const load = new IngestLoad();
    const watching = webhooks.config.yieldAt < 100 ? load.watch() : { stop: () => {} };
    const data = { db, config: webhooks.config, secretsKey: webhooks.box.key, load: load.buffer };
    const thread = startWorkerThread(data, postgres ? null : webhooks, metrics, log);
    webhooks.cache.onQueued = thread.wake;
    return { close: () => thread.close().finally(() => watching.stop()) };
  }
  // On the event loop the deliveries' own work would count as ingest's: only a test's load is obeyed.
  const worker = new WebhookWorker({
    ...webhooks,
    onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
    onError: (error) => log.error({ err: error }, 'webhook worker round failed'),
  });
  webhooks.cache.onQueued = (ids) => worker.wake(ids);
  worker.start();
  return worker;
}
