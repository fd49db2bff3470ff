import type { FastifyInstance } from 'fastify';
import type { DiscardReason } from '@tracklet/protocol';
import { DiscardLog } from './activity.js';
import { type CollectorConfig, loadConfig, openStore } from './config.js';
import { EventIdGenerator } from './ids.js';
import { directIngestion, type Ingestion } from './ingestion.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { PipelineDeps } from './pipeline/context.js';
import { createIpLocator } from './pipeline/enrich-country.js';
import { createUserAgentParser } from './pipeline/enrich-user-agent.js';
import { createRateLimits } from './rate-limits.js';
import { createServer } from './server.js';
import { adminRoutes } from './routes/admin.js';
import { collectRoutes } from './routes/collect.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { type DemoOptions, demoRoutes } from './routes/demo.js';
import { contactRoutes } from './routes/contacts.js';
import { eventSchemaRoutes } from './routes/event-schemas.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { type AppDeps, authenticate } from './routes/http.js';
import { openApiRoutes } from './routes/openapi.js';
import { segmentRoutes } from './routes/segment.js';
import { scriptSecurityHeaders } from './routes/security-headers.js';
import { statsRoutes } from './routes/stats.js';
import { statsShareRoutes } from './routes/stats-shares.js';
import { trackerScriptRoutes } from './routes/tracker-script.js';
import { webhookRoutes } from './routes/webhooks.js';
import { openWebhooks, startWebhookWorker, type WebhookOptions, type Webhooks } from './webhooks/webhooks.js';
import { type DemoAccount, ensureDemoAccount } from './services/demo-account.js';
import type { Store } from './store/store.js';

export type { CollectorConfig } from './config.js';
export { loadConfig } from './config.js';

export interface BuildOptions {
  /** Use this store instead of opening the one TRACKLET_DB names (closed with the app all the same). */
  store?: Store;
  logger?: boolean;
  /**
   * Where `npm start` keeps the demo account's keys: on an empty store the demo account is created, and the demo
   * shop and its live panel are served at /demo/ for it (see services/demo-account.ts).
   */
  demoKeysFile?: string;
  /** Or serve /demo/ for an account the caller made (tests). */
  demo?: { accountId: number; publishableKey: string };
  /** With TRACKLET_LOG: also run a log writer in this process (tests; production runs `tracklet writer` apart). */
  logWriter?: boolean;
  /** The webhooks' clock and name resolution (tests: past a rotation's 24 h, a DNS answer that changes). */
  webhooks?: WebhookOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The demo account (with its keys) when `demoKeysFile` was given and the demo exists, else null. */
    demoAccount: DemoAccount | null;
  }
}

/**
 * The one choice between direct and log ingestion (routes never know which). The event log, and with it the NATS
 * client, is only loaded with TRACKLET_LOG.
 */
async function openIngestion(
  config: CollectorConfig,
  deps: PipelineDeps,
  logger: FastifyInstance['log'],
  withWriter: boolean,
): Promise<Ingestion> {
  if (!config.log) return directIngestion(deps);
  const { openLogIngestion } = await import('./event-log/log-ingestion.js');
  return openLogIngestion(config.log, deps, logger, withWriter);
}

async function registerRoutes(app: FastifyInstance, deps: AppDeps, demo: DemoOptions | null): Promise<void> {
  openApiRoutes(app);
  const rateLimits = await createRateLimits(app, deps.config);
  healthRoutes(app, deps);
  // The server API: every route needs a bearer credential, authenticated before the body is read, then its budget.
  await app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      await authenticate(deps, request);
    });
    api.addHook('onRequest', rateLimits.api);
    eventRoutes(api, deps);
    contactRoutes(api, deps);
    eventSchemaRoutes(api, deps);
    statsRoutes(api, deps);
    statsShareRoutes(api, deps);
    webhookRoutes(api, deps);
  });
  adminRoutes(app, deps);
  await app.register(async (scope) => {
    await scriptSecurityHeaders(scope);
    trackerScriptRoutes(scope, deps);
  });
  await app.register((scope, _opts, done) => {
    collectRoutes(scope, deps, rateLimits.beacons)
      // Inside the beacon scope: Segment's browser routes share its CORS plugin and text/plain parser.
      .then(() =>
        scope.register((segment, _o, next) => segmentRoutes(segment, deps, rateLimits).then(() => next(), next)),
      )
      .then(() => done(), done);
  });
  await app.register((scope, _opts, done) => {
    dashboardRoutes(scope, deps).then(() => done(), done);
  });
  if (demo)
    await app.register((scope, _opts, done) => {
      demoRoutes(scope, deps, demo).then(() => done(), done);
    });
}

async function pipelineDepsOf(
  config: CollectorConfig,
  store: Store,
  metrics: Metrics,
  discards: DiscardLog | null,
  webhooks: Webhooks,
): Promise<PipelineDeps> {
  return {
    store,
    webhookEndpoints: webhooks.cache,
    metrics,
    jwtSecret: config.jwtSecret,
    ...(discards
      ? {
          onDiscard: (account: number, event: string, reason: DiscardReason) => discards.record(account, event, reason),
        }
      : {}),
    ids: new EventIdGenerator(config.instanceId, await store.maxEventId()),
    userAgents: createUserAgentParser(),
    locate: createIpLocator(config.ipMode),
  };
}

/** The collector, ready to listen or to `inject` into; never listens itself. Closing it drains and closes the store. */
export async function buildApp(
  config: CollectorConfig = loadConfig(),
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const metrics = createMetrics();
  const store =
    options.store ??
    (await openStore(config, (seconds, size) => {
      metrics.commitSeconds.observe(seconds);
      metrics.commitSize.observe(size);
    }));
  const demoAccount = options.demoKeysFile ? await ensureDemoAccount(store, options.demoKeysFile) : null;
  const demo =
    options.demo ??
    (demoAccount && {
      accountId: demoAccount.account.id,
      publishableKey: demoAccount.account.keys.publishable,
      dashboard: demoAccount.dashboard,
    });
  const discards = demo ? new DiscardLog(demo.accountId) : null;
  const webhooks = await openWebhooks(store, config.webhooks, options.webhooks).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const pipelineDeps = await pipelineDepsOf(config, store, metrics, discards, webhooks);
  const app = createServer(config, options.logger);
  const ingest = await openIngestion(config, pipelineDeps, app.log, options.logWriter ?? false).catch(async (error) => {
    await store.close();
    throw error;
  });
  const deps: AppDeps = { ...pipelineDeps, config, ingest, webhooks };
  // The outbox's worker runs in every collector (issue #21): in log mode too, beside the writers' own.
  const worker = startWebhookWorker(webhooks, metrics, app.log, config.db);
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
    });
  });
  app.addHook('onClose', async () => {
    await worker.close();
    await ingest.close();
    await store.close();
  });
  app.decorate('demoAccount', demoAccount);
  await registerRoutes(app, deps, demo && discards ? { ...demo, discards } : null);
  return app;
}
