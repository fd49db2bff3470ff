import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'packages/collector/dist/main.js');

export type Keys = { publishable: string; live: string; test: string };
export type Collector = {
  url: string;
  port: number;
  /** The temp directory holding the SQLite file (and the demo account's keys). */
  dir: string;
  adminToken: string;
  /** SIGTERM, wait for the exit; `keep` leaves the database for a restart with `startCollector({ port, dir })`. */
  stop(options?: { keep?: boolean }): Promise<void>;
  /** The keys of the `demo` account that main.ts creates on an empty store (what `npm start` prints). */
  demoKeys(): Keys;
};

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/**
 * Runs main.js until /readyz answers 200. A process that exits first is started again until the deadline: others
 * rebuild packages/collector/dist in this tree, and a start in the middle of `tsc` writing it fails on a half-written
 * module graph. The last output is in the error when it never comes up.
 */
async function spawnUntilReady(env: NodeJS.ProcessEnv, url: string, ms = 30_000): Promise<ChildProcess> {
  const end = Date.now() + ms;
  for (;;) {
    const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    while (child.exitCode == null && Date.now() < end) {
      if (
        await fetch(`${url}/readyz`).then(
          (r) => r.status == 200,
          () => false,
        )
      )
        return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = child.exitCode != null;
    child.kill('SIGKILL');
    if (!exited || Date.now() >= end) {
      throw new Error(
        `collector ${exited ? `exited with ${child.exitCode}` : 'not ready'} after ${ms} ms; output:\n${log}`,
      );
    }
  }
}

/**
 * Starts `node packages/collector/dist/main.js` on a free port with a fresh SQLite file; resolves once /readyz is 200.
 * Given `port` and `dir` (of a collector stopped with `keep`), it starts again on the same port and database.
 */
export async function startCollector(
  reuse: { port?: number; dir?: string; adminToken?: string } = {},
): Promise<Collector> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  const port = reuse.port ?? (await freePort());
  const dir = reuse.dir ?? mkdtempSync(join(tmpdir(), 'tracklet-e2e-'));
  const adminToken = reuse.adminToken ?? randomBytes(24).toString('hex');
  const demoKeysFile = join(dir, 'demo-keys.json');
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    TRACKLET_DB: join(dir, 't.db'),
    TRACKLET_ADMIN_TOKEN: adminToken,
    // Without it main.ts writes the demo keys to ./data/demo-keys.json: the developer's own file.
    TRACKLET_DEMO_KEYS: demoKeysFile,
    TRACKLET_LOG_LEVEL: process.env.TRACKLET_LOG_LEVEL ?? 'warn',
  };
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnUntilReady(env, url).catch((e: unknown) => {
    if (!reuse.dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const stop = async ({ keep = false } = {}) => {
    if (child.exitCode == null && child.signalCode == null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  const demoKeys = () => (JSON.parse(readFileSync(demoKeysFile, 'utf8')) as { keys: Keys }).keys;
  return { url, port, dir, adminToken, stop, demoKeys };
}

/** POST /v1/admin/accounts → the new account's three keys. */
export async function createAccount(c: Collector, name = 'e2e', settings: Record<string, unknown> = {}): Promise<Keys> {
  const r = await fetch(`${c.url}/v1/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, ...settings }),
  });
  if (r.status != 201) throw new Error(`create account: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { keys: Keys }).keys;
}

/** A counter of GET /metrics (Prometheus text), e.g. metric(c, 'tracklet_events_discarded_total', { reason: 'bot' }). */
export async function metric(c: Collector, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? ([\d.e+-]+)$/.exec(line);
    if (m?.[1] == name && want.every((l) => (m[2] ?? '').split(',').includes(l))) sum += Number(m[3]);
  }
  return sum;
}
