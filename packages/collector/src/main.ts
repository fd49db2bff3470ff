#!/usr/bin/env node
import { buildApp } from './app.js';
import { describeStore, loadConfig } from './config.js';
import { closeGracefully } from './shutdown.js';

/** `npm start`: one collector process serving the API, /t.js and the demo. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config, { demoKeysFile: process.env.TRACKLET_DEMO_KEYS || './data/demo-keys.json' });
  const demo = app.demoAccount;
  const address = await app.listen({ port: config.port, host: config.host });
  const lines = [
    '',
    `Tracklet collector listening on ${address} (store: ${describeStore(config.db)})`,
    `  tracker script  ${address}/t.js${config.trackerScript ? '' : '  (not built: run npm run build)'}`,
    `  demo shop       ${address}/demo/${config.demoDir ? '' : '  (not built)'}`,
    `  dashboard       ${address}/dashboard/${config.dashboardDir ? '' : '  (not built)'}`,
    `  API reference   ${address}/openapi.json`,
    ...(config.log
      ? [
          `  event log       NATS JetStream ${config.log.servers.join(', ')} (stream ${config.log.stream}, ${config.log.replicas} ` +
            `replica${config.log.replicas === 1 ? '' : 's'}); events are stored by \`tracklet writer\` processes`,
        ]
      : []),
    config.adminTokenGenerated
      ? `  admin token     ${config.adminToken}  (generated; set TRACKLET_ADMIN_TOKEN to keep one)`
      : '  admin token     from TRACKLET_ADMIN_TOKEN',
  ];
  if (demo) {
    lines.push(
      `  demo account    id ${demo.account.id}${demo.created ? ' (created now)' : ''}`,
      `    publishable   ${demo.account.keys.publishable}`,
      `    live          ${demo.account.keys.live}`,
      `    test          ${demo.account.keys.test}`,
      `    dashboard     ${address}${demo.dashboard}  (a read-only share link; or sign in with the live key)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests and storing what was acknowledged');
    closeGracefully(app, config.shutdownGraceMs).then(
      () => process.exit(0),
      (error) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`tracklet: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
