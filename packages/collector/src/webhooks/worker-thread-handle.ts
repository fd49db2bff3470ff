import { Worker } from 'node:worker_threads';
import type { Metrics } from '../metrics.js';
import { answerCalls, type WorkerEndpoints, type WorkerQueue } from './worker-calls.js';
import type { WorkerThreadData } from './worker-thread.js';

/**
 * Starts worker-thread.ts; its outcomes are counted here, its failures logged here. With `stores` (SQLite) its claims
 * and completions run here, on this process's writer; without, it connects to `db` itself (PostgreSQL).
 */
export function startWorkerThread(
  data: WorkerThreadData,
  stores: { queue: WorkerQueue; endpoints: WorkerEndpoints } | null,
  metrics: Metrics,
  log: { error(details: object, message: string): void },
): { close(): Promise<void>; wake(endpointIds: number[]): void } {
  const thread = new Worker(new URL('./worker-thread.js', import.meta.url), { workerData: data });
  if (stores) answerCalls(thread, stores.queue, stores.endpoints);
  thread.on('message', (message: { outcomes?: Record<string, number>; error?: string }) => {
    for (const [outcome, count] of Object.entries(message.outcomes ?? {}))
      metrics.webhookDeliveries.inc({ outcome }, count);
    if (message.error) log.error({ err: message.error }, 'webhook worker round failed');
  });
  thread.on('error', (error) => log.error({ err: error }, 'webhook worker thread failed'));
  let exited = false;
  thread.once('exit', () => (exited = true));
  // Wakes are many (one per queued event): one message per turn of the event loop carries them.
  let waking: Set<number> | null = null;
  const wake = (endpointIds: number[]) => {
    if (exited) return;
    if (waking) return void endpointIds.forEach((id) => waking?.add(id));
    waking = new Set(endpointIds);
    setImmediate(() => {
      if (!exited) thread.postMessage({ wake: [...(waking ?? [])] });
      waking = null;
    });
  };
  return {
    wake,
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
