import type { FastifyInstance } from 'fastify';
import { TrackletError } from './errors.js';

/**
 * Graceful shutdown (API.md "Running"): once `app.close()` starts, the listener stops accepting connections and idle
 * keep-alive connections are closed (Fastify); requests already received run to the end and are stored; a request
 * that still arrives on an open connection is refused with the contract's 503 (Fastify's own 503 has another shape),
 * and every answer from then on closes its connection so the close does not wait for clients to hang up. The store
 * closes last (onClose hooks run after the server's), after the writer queue drained.
 */
export function installShutdown(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing)
      throw new TrackletError('store_unavailable', 'the collector is shutting down; nothing was stored, retry', {
        retryAfter: 1,
      });
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('Connection', 'close');
  });
}

/**
 * Closes the app; requests still running after `graceMs` lose their connections (they were not acknowledged, so a
 * client retries them). Resolves once the store is closed.
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const timer = setTimeout(() => {
    app.log.warn({ graceMs }, 'shutdown: cutting the connections still open after the grace period');
    app.server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
