import type { MessagePort, Worker } from 'node:worker_threads';
import type { DeliveryQueue } from './delivery-queue.js';
import type { EndpointStore } from './endpoint-store.js';

/** What the worker reads and writes of the outbox (delivery-queue.ts), wherever it runs. */
export type WorkerQueue = Pick<DeliveryQueue, 'hasOutbox' | 'fanOut' | 'hasDue' | 'claim' | 'complete' | 'prune'>;
/** What the worker reads of the endpoints. */
export type WorkerEndpoints = Pick<EndpointStore, 'enabledEndpoints'>;

type Method = 'hasOutbox' | 'fanOut' | 'hasDue' | 'claim' | 'complete' | 'prune' | 'enabledEndpoints';
interface Call {
  call: number;
  method: Method;
  args: unknown[];
}
interface Reply {
  reply: number;
  value?: unknown;
  error?: string;
}

const isCall = (m: unknown): m is Call => typeof m === 'object' && m !== null && 'call' in m;
const isReply = (m: unknown): m is Reply => typeof m === 'object' && m !== null && 'reply' in m;

/**
 * The worker thread's outbox and endpoints as calls to the collector's thread, which runs them on its store (SQLite,
 * issue #21): claims and completions then go through the collector's one writer, units of its group commit, instead
 * of a second connection that would fight it for the file.
 */
export function remoteStores(port: MessagePort): { queue: WorkerQueue; endpoints: WorkerEndpoints } {
  let last = 0;
  const waiting = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  port.on('message', (message: unknown) => {
    if (!isReply(message)) return;
    const call = waiting.get(message.reply);
    waiting.delete(message.reply);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.value as never);
  });
  const call =
    <T>(method: Method) =>
    (...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        waiting.set(++last, { resolve, reject });
        port.postMessage({ call: last, method, args } satisfies Call);
      });
  return {
    queue: {
      hasOutbox: call('hasOutbox'),
      fanOut: call('fanOut'),
      hasDue: call('hasDue'),
      claim: call('claim'),
      complete: call('complete'),
      prune: call('prune'),
    } as WorkerQueue,
    endpoints: { enabledEndpoints: call('enabledEndpoints') } as WorkerEndpoints,
  };
}

/** Answers the worker thread's calls (remoteStores) with this process's stores. */
export function answerCalls(thread: Worker, queue: WorkerQueue, endpoints: WorkerEndpoints): void {
  const run = (method: Method, args: unknown[]): Promise<unknown> => {
    if (method === 'enabledEndpoints') return endpoints.enabledEndpoints();
    return (queue[method] as (...a: unknown[]) => Promise<unknown>).apply(queue, args);
  };
  thread.on('message', (message: unknown) => {
    if (!isCall(message)) return;
    run(message.method, message.args).then(
      (value) => thread.postMessage({ reply: message.call, value } satisfies Reply),
      (error: unknown) =>
        thread.postMessage({
          reply: message.call,
          error: error instanceof Error ? error.message : String(error),
        } satisfies Reply),
    );
  });
}
