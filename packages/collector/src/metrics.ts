import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one collector (its own registry, so several apps can run in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tracklet_process_' });
  return {
    registry,
    requests: new Counter({
      name: 'tracklet_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'tracklet_events_accepted_total',
      help: 'Events stored',
      labelNames: ['source'],
      registers: [registry],
    }),
    discarded: new Counter({
      name: 'tracklet_events_discarded_total',
      help: 'Events discarded instead of stored',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'tracklet_events_rejected_total',
      help: 'Events rejected as invalid',
      labelNames: ['code'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'tracklet_events_duplicate_total',
      help: 'Events answered from the idempotency key',
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'tracklet_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (given up)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'tracklet_store_commit_seconds',
      help: 'Duration of one durable group commit',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    commitSize: new Histogram({
      name: 'tracklet_store_commit_units',
      help: 'Units of work per group commit',
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 2000],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
