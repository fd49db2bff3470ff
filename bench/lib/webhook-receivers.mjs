import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The webhooks bench's two receivers (issue #21): `healthy` answers 204 and reports each event's lag (arrival minus
 * the event's `created_at`) through `onArrivals`; `hanging` never answers. In this process, or with `apart` in a
 * child process at nice 19: the receivers stand for other machines, so on a 2-core box their CPU is then taken from
 * what the collector and the load leave.
 */
export async function startReceivers(onArrivals, { apart = false } = {}) {
  if (!apart) return serve(onArrivals);
  const child = fork(fileURLToPath(import.meta.url), ['child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  os.setPriority(child.pid, 19);
  const urls = await new Promise((resolve) => {
    child.on('message', (m) => (m.urls ? resolve(m.urls) : onArrivals(m.arrivals)));
  });
  return {
    ...urls,
    pid: child.pid,
    close: () => new Promise((resolve) => child.once('exit', resolve).kill()),
  };
}

async function receiver(kind, onArrivals) {
  const held = new Set();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (kind === 'hanging') return void held.add(response);
      const event = JSON.parse(body).data?.event;
      if (event) onArrivals([Date.now() - Date.parse(event.created_at)]);
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    close: () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function serve(onArrivals) {
  const hanging = await receiver('hanging', () => {});
  const healthy = await receiver('healthy', onArrivals);
  return {
    hanging: hanging.url,
    healthy: healthy.url,
    pid: process.pid,
    close: async () => {
      await hanging.close();
      await healthy.close();
    },
  };
}

if (process.argv[2] === 'child') {
  let batch = [];
  const urls = await serve((lags) => batch.push(...lags));
  setInterval(() => {
    if (batch.length > 0) process.send({ arrivals: batch });
    batch = [];
  }, 100);
  process.send({ urls: { hanging: urls.hanging, healthy: urls.healthy } });
  process.on('SIGTERM', () => process.exit(0));
}
