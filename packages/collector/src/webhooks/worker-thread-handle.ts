import { Worker } from 'node:worker_threads';
import type { Metrics } from '../metrics.js';
import { answerCalls, type WorkerEndpoints, type WorkerQueue } from './worker-calls.js';
import type { WorkerThreadData } from './worker-thread.js';

/** How often the worker is told of rows queued while it is already looking (see `wake`). */
const wakeEveryMs = 100;

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
  // Wakes are many (one per queued event), and a woken worker looks again every 20 ms for a second
  // (round-timer.ts): the first wake after a quiet spell goes at once, later ones at most every `wakeEveryMs`.
  let waking: Set<number> | null = null;
  let postedAt = -Infinity;
  const post = () => {
    if (!exited) thread.postMessage({ wake: [...(waking ?? [])] });
    postedAt = Date.now();
    waking = null;
  };
  const wake = (endpointIds: number[]) => {
    if (exited) return;
    if (waking) return void endpointIds.forEach((id) => waking?.add(id));
    waking = new Set(endpointIds);
    const wait = postedAt + wakeEveryMs - Date.now();
    if (wait > 0) setTimeout(post, wait).unref();
    else setImmediate(post);
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
