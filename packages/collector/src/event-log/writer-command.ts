import Fastify from 'fastify';
import { Gauge } from 'prom-client';
import { describeStore, loadConfig, openStore } from '../config.js';
import { installErrorHandler } from '../error-handler.js';
import { TrackletError } from '../errors.js';
import { EventIdGenerator } from '../ids.js';
import { loggerOptions } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createUserAgentParser } from '../pipeline/enrich-user-agent.js';
import { connectToLog } from './jetstream.js';
import { startLogWriter } from './writer.js';
import { openWebhooks, startWebhookWorker } from '../webhooks/webhooks.js';

/**
 * `tracklet writer` (issue #8, docs/deploy.md): pulls the event log (TRACKLET_LOG) and writes to PostgreSQL
 * (TRACKLET_DB). Run one or many; they share the stream's consumer. With TRACKLET_WRITER_PORT it serves /healthz,
 * /readyz (the log connection and the store) and /metrics. SIGTERM/SIGINT: finishes the batch in hand, then exits 0.
 */
export async function runWriterCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  if (!config.log) throw new Error('tracklet writer needs TRACKLET_LOG=nats://… and TRACKLET_DB=postgres://…');
  const app = Fastify({ logger: loggerOptions(config.logLevel) });
  installErrorHandler(app);
  const metrics = createMetrics();
  const store = await openStore(config, (seconds, size) => {
    metrics.commitSeconds.observe(seconds);
    metrics.commitSize.observe(size);
  });
  const nc = await connectToLog(config.log.servers, 'tracklet-writer');
  // The writers queue webhooks with the events they store, and deliver them too (issue #21).
  const webhooks = await openWebhooks(store, config.webhooks);
  const deps = {
    store,
    webhookEndpoints: webhooks.cache,
    metrics,
    jwtSecret: null,
    ids: new EventIdGenerator(config.instanceId),
    userAgents: createUserAgentParser(),
  };
  const writer = await startLogWriter({ config: config.log, deps, nc, log: app.log });
  const worker = startWebhookWorker(webhooks, metrics, app.log, config.db);

  new Gauge({
    name: 'tracklet_writer_messages_held',
    help: 'Messages delivered to this writer and not yet acked',
    registers: [metrics.registry],
    collect() {
      this.set(writer.held);
    },
  });
  new Gauge({
    name: 'tracklet_writer_messages_written',
    help: 'Messages this writer committed and acked',
    registers: [metrics.registry],
    collect() {
      this.set(writer.written);
    },
  });
  new Gauge({
    name: 'tracklet_writer_messages_redelivered',
    help: 'Messages delivered to this writer again',
    registers: [metrics.registry],
    collect() {
      this.set(writer.redelivered);
    },
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    await writer.ready().catch(() => {
      throw new TrackletError('store_unavailable', 'the event log or the store is not reachable', { retryAfter: 1 });
    });
    return { status: 'ready', written: writer.written };
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  const port = env.TRACKLET_WRITER_PORT;
  const address = port ? await app.listen({ port: Number(port), host: config.host }) : null;
  process.stdout.write(
    `Tracklet writer running: stream ${config.log.stream} on ${config.log.servers.join(',')} → ${describeStore(config.db)}` +
      `${address ? `\n  listening on ${address} (/readyz, /metrics)` : ''}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'writer: finishing the batch in hand, then stopping');
    void (async () => {
      await worker.close();
      await writer.stop();
      await nc.drain().catch(() => nc.close());
      await store.close();
      await app.close();
    })().then(
      () => process.exit(0),
      (error) => {
        app.log.error({ err: error }, 'writer: stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
