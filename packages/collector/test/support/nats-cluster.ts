import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real NATS JetStream cluster on loopback (issue #8): N `nats-server` processes with cluster routes to each other,
 * file storage in a temp directory, free ports. No Vitest import: `npm run cluster` (scripts/cluster.mjs) transpiles
 * and uses it too.
 */
export interface NatsCluster {
  /** Client URLs, one per node (`nats://127.0.0.1:port`). */
  urls: string[];
  /** All client URLs comma-separated, as TRACKLET_LOG takes them. */
  url: string;
  /** kill -9 one node (its data stays). */
  stopNode(index: number): Promise<void>;
  /** Starts a stopped node again on the same ports and data, and waits until it is healthy. */
  startNode(index: number): Promise<void>;
  /** Kills every node and removes the directory. */
  stop(): Promise<void>;
}

const binaries = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** The nats-server binary (Debian's package puts it in /usr/sbin); scripts/ensure-nats.mjs installs it. */
export function natsServerBinary(): string {
  const found = [process.env.NATS_SERVER, ...binaries].find((path) => path && existsSync(path));
  if (!found)
    throw new Error(
      "nats-server is missing: run `node scripts/ensure-nats.mjs` (as root it installs Debian's nats-server), or set NATS_SERVER",
    );
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface NodePorts {
  client: number;
  cluster: number;
  http: number;
}

function nodeConfig(name: string, index: number, ports: NodePorts[], dir: string): string {
  const own = ports[index] as NodePorts;
  const routes = ports.filter((_, i) => i !== index).map((p) => `"nats-route://127.0.0.1:${p.cluster}"`);
  const cluster =
    ports.length > 1
      ? `cluster { name: "${name}", listen: "127.0.0.1:${own.cluster}", routes: [${routes.join(', ')}] }`
      : '';
  return [
    `server_name: "${name}-n${index}"`,
    `listen: "127.0.0.1:${own.client}"`,
    `http: "127.0.0.1:${own.http}"`,
    `jetstream { store_dir: "${join(dir, `n${index}`)}", max_memory_store: 64MB, max_file_store: 4GB }`,
    cluster,
  ].join('\n');
}

/** Resolves once the node's monitoring endpoint says JetStream is healthy (meta leader known, streams current). */
async function waitHealthy(port: number, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${log().slice(-2000)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nats-server on monitoring port ${port} not healthy after ${timeoutMs} ms: ${log().slice(-2000)}`);
}

/** Distinct free ports (a port freed by one freePort call may come back from the next). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Starts a cluster of `nodes` JetStream servers (1 = a single server); call stop() when done. A port taken by
 * someone else between choosing and binding it makes a node fail: then it starts over on other ports.
 */
export async function startNatsCluster(options: { nodes?: number; name?: string } = {}): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options.nodes ?? 3, options.name ?? 'tracklet');
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(count: number, name: string): Promise<NatsCluster> {
  const binary = natsServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'tracklet-nats-'));
  const free = await freePorts(count * 3);
  const ports: NodePorts[] = Array.from({ length: count }, (_, i) => ({
    client: free[3 * i] as number,
    cluster: free[3 * i + 1] as number,
    http: free[3 * i + 2] as number,
  }));
  const children: (ChildProcess | null)[] = new Array(count).fill(null);
  const logs: string[] = new Array(count).fill('');

  const launch = (i: number): ChildProcess => {
    const file = join(dir, `n${i}.conf`);
    mkdirSync(join(dir, `n${i}`), { recursive: true });
    writeFileSync(file, nodeConfig(name, i, ports, dir));
    const child = spawn(binary, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      logs[i] = (logs[i] + chunk.toString()).slice(-20_000);
    });
    children[i] = child;
    return child;
  };
  const kill = async (i: number) => {
    const child = children[i];
    children[i] = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const healthy = (i: number) =>
    waitHealthy((ports[i] as NodePorts).http, children[i] as ChildProcess, () => logs[i] ?? '');

  try {
    for (let i = 0; i < count; i++) launch(i);
    await Promise.all(ports.map((_, i) => healthy(i)));
  } catch (error) {
    await Promise.all(ports.map((_, i) => kill(i)));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const urls = ports.map((p) => `nats://127.0.0.1:${p.client}`);
  return {
    urls,
    url: urls.join(','),
    stopNode: kill,
    startNode: async (i) => {
      if (children[i]) return;
      launch(i);
      await healthy(i);
    },
    stop: async () => {
      await Promise.all(ports.map((_, i) => kill(i)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
