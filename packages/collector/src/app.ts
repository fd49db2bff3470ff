import Fastify, { type FastifyInstance } from 'fastify';
import type { DiscardReason } from '@tracklet/protocol';
import { DiscardLog } from './activity.js';
import { type CollectorConfig, loadConfig, openStore } from './config.js';
import { installErrorHandler } from './error-handler.js';
import { EventIdGenerator } from './ids.js';
import { createMetrics } from './metrics.js';
import { createUserAgentParser } from './pipeline/enrich-user-agent.js';
import { adminRoutes } from './routes/admin.js';
import { collectRoutes } from './routes/collect.js';
import { demoRoutes } from './routes/demo.js';
import { contactRoutes } from './routes/contacts.js';
import { eventSchemaRoutes } from './routes/event-schemas.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import type { AppDeps } from './routes/http.js';
import { trackerScriptRoutes } from './routes/tracker-script.js';
import type { Store } from './store/store.js';

export type { CollectorConfig } from './config.js';
export { loadConfig } from './config.js';

export interface BuildOptions {
  /** Use this store instead of opening the one TRACKLET_DB names (closed with the app all the same). */
  store?: Store;
  logger?: boolean;
  /** The demo account `npm start` made: serves the demo shop and its live panel at /demo/. */
  demo?: { accountId: number; publishableKey: string };
}

/** The collector, ready to listen or to `inject` into; never listens itself. Closing it drains and closes the store. */
export async function buildApp(config: CollectorConfig = loadConfig(), options: BuildOptions = {}): Promise<FastifyInstance> {
  const metrics = createMetrics();
  const store = options.store ?? await openStore(config, (seconds, size) => {
    metrics.commitSeconds.observe(seconds);
    metrics.commitSize.observe(size);
  });
  const discards = options.demo ? new DiscardLog(options.demo.accountId) : null;
  const deps: AppDeps = {
    config, store, metrics, jwtSecret: config.jwtSecret,
    ...(discards ? { onDiscard: (account: number, event: string, reason: DiscardReason) => discards.record(account, event, reason) } : {}),
    ids: new EventIdGenerator(config.instanceId, await store.maxEventId()),
    userAgents: createUserAgentParser(),
  };
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, redact: ['req.headers.authorization'] },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  });
  installErrorHandler(app);
  // Only JSON by default; text/plain is accepted by the beacon route alone.
  app.removeContentTypeParser('text/plain');
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode });
  });
  app.addHook('onClose', async () => store.close());

  healthRoutes(app, deps);
  eventRoutes(app, deps);
  contactRoutes(app, deps);
  eventSchemaRoutes(app, deps);
  adminRoutes(app, deps);
  trackerScriptRoutes(app, deps);
  await app.register((scope, _opts, done) => { collectRoutes(scope, deps).then(() => done(), done); });
  if (options.demo && discards) {
    const demo = { ...options.demo, discards };
    await app.register((scope, _opts, done) => { demoRoutes(scope, deps, demo).then(() => done(), done); });
  }
  return app;
}
