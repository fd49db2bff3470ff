import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CollectorProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Keep its stderr to output() only instead of passing it on to ours (default: passed on). */
  quiet?: boolean;
  /** Run it as this user (needs root), e.g. nobody's ids, so that file permissions apply to it. */
  user?: { uid: number; gid: number };
}

/**
 * The built collector (`node packages/collector/dist/main.js`) as a real process on a free port, so it can be killed
 * with SIGKILL or run beside another one on the same database. Resolves with the URL it prints once listening.
 */
export async function spawnCollectorProcess(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<CollectorProcess> {
  if (!existsSync(mainJs)) throw new Error('packages/collector/dist/main.js is missing: run npm run build first');
  const child = spawn(process.execPath, [mainJs], {
    ...(options.user ?? {}),
    env: { ...process.env, PORT: '0', TRACKLET_ADMIN_TOKEN: 'test-admin-token', TRACKLET_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    out += chunk;
    if (!options.quiet) process.stderr.write(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`collector exited with ${code}: ${out.slice(-2000)}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, url, output: () => out, stop };
}
