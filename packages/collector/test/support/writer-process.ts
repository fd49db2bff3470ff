import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const cliJs = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface WriterProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Its /readyz and /metrics server (TRACKLET_WRITER_PORT=0 picks a free port). */
  url: string;
  output(): string;
  /** SIGTERM (finish the batch in hand) and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, at once. */
  kill(): Promise<void>;
}

/**
 * A real `tracklet writer` process (`node packages/collector/dist/cli.js writer`) with this environment
 * (TRACKLET_LOG, TRACKLET_DB, …); resolves once it consumes and listens.
 */
export async function spawnWriterProcess(env: Record<string, string>): Promise<WriterProcess> {
  if (!existsSync(cliJs)) throw new Error('packages/collector/dist/cli.js is missing: run npm run build first');
  const child = spawn(process.execPath, [cliJs, 'writer'], {
    env: { ...process.env, TRACKLET_WRITER_PORT: '0', TRACKLET_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`writer exited with ${code}: ${out.slice(-2000)}`)));
  });
  const exited = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  return {
    child,
    url,
    output: () => out,
    stop: async () => {
      const done = exited();
      child.kill('SIGTERM');
      return done;
    },
    kill: async () => {
      const done = exited();
      child.kill('SIGKILL');
      await done;
    },
  };
}
