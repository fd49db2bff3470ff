import Fastify, { type FastifyInstance } from 'fastify';
import type { CollectorConfig } from './config.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './error-handler.js';
import { depthLimitedJsonParser } from './json-body.js';
import { loggerOptions } from './logger.js';
import { installShutdown } from './shutdown.js';

/** Fastify with the collector's HTTP behaviour: safe logs, errors in the contract's shape, bounded JSON, shutdown. */
export function createServer(config: CollectorConfig, logger: boolean | undefined): FastifyInstance {
  const app = Fastify({
    logger: logger === false ? false : loggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // shutdown.ts answers requests that arrive while closing, in the contract's error shape.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
  });
  installErrorHandler(app);
  installShutdown(app);
  app.decorateRequest('auth', null);
  // Only JSON by default; text/plain is accepted by the beacon route alone.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, depthLimitedJsonParser(app));
  return app;
}
