import { Worker } from 'node:worker_threads';
import type { Metrics } from '../metrics.js';
import type { WebhookConfig } from './webhook-config.js';

/** Starts worker-thread.ts; its outcomes are counted here, its failures logged here. */
export function startWorkerThread(
  db: string,
  config: WebhookConfig,
  metrics: Metrics,
  log: { error(details: object, message: string): void },
): { close(): Promise<void> } {
  const thread = new Worker(new URL('./worker-thread.js', import.meta.url), { workerData: { db, config } });
  thread.on('message', (message: { outcome?: 'delivered' | 'retry' | 'failed'; error?: string }) => {
    if (message.outcome) metrics.webhookDeliveries.inc({ outcome: message.outcome });
    if (message.error) log.error({ err: message.error }, 'webhook worker round failed');
  });
  thread.on('error', (error) => log.error({ err: error }, 'webhook worker thread failed'));
  let exited = false;
  thread.once('exit', () => (exited = true));
  return {
    close: async () => {
      if (exited) return;
      const closed = new Promise<void>((resolve) => {
        thread.on('message', (message: { closed?: boolean }) => message.closed && resolve());
        thread.once('exit', () => resolve());
      });
      thread.postMessage('close');
      await closed;
      await thread.terminate();
    },
  };
}
