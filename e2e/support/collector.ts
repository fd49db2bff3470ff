import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'packages/collector/dist/main.js');

export type Keys = { publishable: string; live: string; test: string };
export type Collector = { url: string; adminToken: string; stop(): Promise<void> };

/** A port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const until = async (what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** Starts `node packages/collector/dist/main.js` on a free port with a fresh SQLite file; resolves once /readyz is 200. */
export async function startCollector(): Promise<Collector> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tracklet-e2e-'));
  const adminToken = randomBytes(24).toString('hex');
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', TRACKLET_DB: join(dir, 't.db'), TRACKLET_ADMIN_TOKEN: adminToken };
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('/readyz', async () => {
      if (child.exitCode != null) throw new Error(`collector exited with ${child.exitCode}:\n${log}`);
      return (await fetch(`${url}/readyz`)).status == 200;
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\ncollector output:\n${log}`);
  }
  const stop = async () => {
    if (child.exitCode == null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, adminToken, stop };
}

/** POST /v1/admin/accounts → the new account's three keys. */
export async function createAccount(c: Collector, name = 'e2e'): Promise<Keys> {
  const r = await fetch(`${c.url}/v1/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (r.status != 201) throw new Error(`create account: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { keys: Keys }).keys;
}
