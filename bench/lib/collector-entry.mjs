import { buildApp, loadConfig } from '../../packages/collector/dist/app.js';

/**
 * A diagnostic stand-in for dist/main.js (`npm run bench -- … --commit-metrics`): the same built collector, but
 * started through buildApp() opening its own store, which is the one path that wires the group committer's
 * onCommit hook into the tracklet_store_commit_units / _seconds histograms (main.js opens the store itself, without
 * the hook, so there those histograms stay at zero). No demo account; the bench makes its own.
 */
const config = loadConfig();
const app = await buildApp(config);
const address = await app.listen({ port: config.port, host: config.host });
process.stdout.write(`Tracklet collector (bench entry, commit metrics on) listening on ${address}\n`);
const stop = () =>
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
