import { Gauge, type Registry } from 'prom-client';
import type { DeliveryQueue } from './delivery-queue.js';

/**
 * The outbox's queue depth and the age of its oldest undelivered delivery (issue #21), read from the store when
 * /metrics is scraped (both stores count the pending rows through a partial index).
 */
export function registerQueueGauges(registry: Registry, queue: DeliveryQueue, clock: () => number): void {
  let last: Promise<{ pending: number; oldestCreatedAt: number | null }> | null = null;
  // The two gauges of one scrape share one read.
  const depth = () => (last ??= queue.depth().finally(() => setImmediate(() => (last = null))));
  new Gauge({
    name: 'tracklet_webhook_queue_depth',
    help: 'Webhook deliveries not delivered yet (pending, including retries waiting)',
    registers: [registry],
    async collect() {
      this.set((await depth().catch(() => ({ pending: NaN }))).pending);
    },
  });
  new Gauge({
    name: 'tracklet_webhook_oldest_undelivered_seconds',
    help: 'Age of the oldest pending webhook delivery (0 when none)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await depth().catch(() => ({ oldestCreatedAt: null }));
      this.set(oldestCreatedAt === null ? 0 : Math.max(0, (clock() - oldestCreatedAt) / 1000));
    },
  });
}
