import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, stopChild } from './processes.mjs';

const mainJs = fileURLToPath(new URL('../../packages/collector/dist/main.js', import.meta.url));
export const ADMIN_TOKEN = 'tk_admin_bench_only_not_a_secret';

export function assertBuilt(main = mainJs) {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
}

/** The pid of the node process itself when it runs under strace (strace's only child). */
function innerPid(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length === 1 ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}

/**
 * The built collector (`packages/collector/dist/main.js`) as a child process on a free loopback port, quiet
 * (TRACKLET_LOG_LEVEL=warn), rate limits off, its demo keys file in `workDir` so the bench never touches ./data. Options:
 * `cpuProfDir` runs it with --cpu-prof; `straceFile` runs it under `strace -f -c -w -e trace=fdatasync,fsync` (wall time);
 * `checkout` runs another built checkout's collector (modes/ingest-ab.mjs) instead of this one's.
 */
export async function startCollector({ db, workDir, cpuProfDir, straceFile, checkout, env = {} }) {
  const main = checkout ? join(checkout, 'packages/collector/dist/main.js') : mainJs;
  assertBuilt(main);
  const nodeArgs = [...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []), main];
  const [command, args] = straceFile
    ? ['strace', ['-f', '-c', '-w', '-e', 'trace=fdatasync,fsync', '-o', straceFile, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const server = spawnServer(command, args, {
    pattern: /listening on (http:\/\/\S+)/,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      TRACKLET_DB: db,
      TRACKLET_LOG_LEVEL: 'warn',
      TRACKLET_ADMIN_TOKEN: ADMIN_TOKEN,
      TRACKLET_DEMO_KEYS: join(workDir, 'demo-keys.json'),
      // All load comes from one loopback IP and one key: measure capacity, not the per-client request budgets (0 = off).
      TRACKLET_RATE_LIMIT_API: '0',
      TRACKLET_RATE_LIMIT_BEACONS: '0',
      ...env,
    },
  });
  const [, url] = await server.ready;
  const pid = straceFile ? innerPid(server.child.pid) : server.child.pid;
  return {
    url,
    pid,
    child: server.child,
    // Under strace the SIGTERM goes to node itself; strace exits with it, after writing its summary.
    stop: async () => {
      if (pid !== server.child.pid && server.child.exitCode === null) {
        const exited = new Promise((resolve) => server.child.once('exit', resolve));
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      }
      await stopChild(server.child);
    },
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
  };
}

/** A fresh account through the admin API: `{ id, keys: { publishable, live, test } }`. */
export async function createBenchAccount(url, name = 'bench') {
  const response = await fetch(`${url}/v1/admin/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201)
    throw new Error(`creating the bench account: ${response.status} ${await response.text()}`);
  return response.json();
}
