import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The answer it got. */
  status: number | 'hung';
}

/**
 * A real HTTP endpoint for webhook tests: records every request and answers what `answer` says (a status, or
 * 'hang': never answers). Default: 200.
 */
export async function startReceiver(
  answer: (n: number, body: string) => number | 'hang' = () => 200,
  /** Milliseconds before answering (a receiver that takes its time, so a kill can land mid-delivery). */
  delayMs: () => number = () => 0,
) {
  const received: ReceivedWebhook[] = [];
  const hung = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const status = answer(received.length + 1, body);
      received.push({ headers: request.headers, body, status: status === 'hang' ? 'hung' : status });
      if (status === 'hang') return void hung.add(response);
      const reply = () => response.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      const delay = delayMs();
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    /** The bodies answered 2xx, parsed. */
    delivered: () =>
      received.filter((r) => typeof r.status === 'number' && r.status < 300).map((r) => JSON.parse(r.body)),
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Polls `check` until it returns a value other than undefined/false, or throws after `ms`. */
export async function until<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
