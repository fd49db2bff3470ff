import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real PostgreSQL server for the test run (issue #6): initdb + pg_ctl on a temp directory, a free loopback port,
 * trust auth, fsync on. As root, the server runs as the `postgres` user (initdb and postgres refuse root).
 */
export interface PostgresServer {
  port: number;
  /** The maintenance database's URL; `url('t_x')` for another database. */
  url(database?: string): string;
  /** The same database reached over the server's Unix socket, as a collector on the database's machine would. */
  socketUrl(database?: string): string;
  /** pg_ctl stop -m fast (the data stays). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

function findBinDir(): string | null {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = ['/usr/lib/postgresql/15/bin', ...(fromConfig.status === 0 ? [fromConfig.stdout.trim()] : [])];
  if (existsSync('/usr/lib/postgresql')) {
    candidates.push(
      ...readdirSync('/usr/lib/postgresql')
        .sort()
        .reverse()
        .map((v) => `/usr/lib/postgresql/${v}/bin`),
    );
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

/** initdb/pg_ctl, installing Debian's `postgresql` package when they are missing and we may. */
function binDir(): string {
  const found = findBinDir();
  if (found) return found;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'PostgreSQL tests need initdb and pg_ctl (PostgreSQL 15). Install them, e.g. as root: ' +
        'apt-get update && apt-get install -y postgresql',
    );
  }
  process.stderr.write("PostgreSQL tests: installing Debian's postgresql package (apt-get)…\n");
  execFileSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql'], {
    stdio: 'inherit',
  });
  const installed = findBinDir();
  if (!installed) throw new Error('apt-get installed postgresql, but initdb/pg_ctl are still not found');
  return installed;
}

function freePort(): Promise<number> {
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

const run = promisify(execFile);

/** Runs a PostgreSQL binary as the `postgres` user when we are root (asynchronously: collectors in this process keep serving). */
async function runPg(bin: string, args: string[]): Promise<void> {
  const [command, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    await run(command, argv as string[], { encoding: 'utf8' });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`, {
      cause: error,
    });
  }
}

/** Starts a fresh PostgreSQL server; call destroy() when done. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'tracklet-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  // --no-sync only skips fsyncing initdb's own files; the server itself runs with fsync=on below.
  await runPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=300`;
  const pgCtl = (...args: string[]) => runPg(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), ...args]);
  const start = async () => {
    try {
      await pgCtl('-o', options, '-w', '-t', '60', 'start');
    } catch (error) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000) : '';
      throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
    }
  };
  const stop = async () => pgCtl('-m', 'fast', '-w', 'stop');
  await start();
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    socketUrl: (database = 'postgres') => `postgres:///${database}?host=${dir}&port=${port}&user=postgres`,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new, empty database on the server at `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Every row of every table of the database at `url`, as text (what a test checks is, or is not, stored). */
export async function databaseText(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const parts = await Promise.all(
      tables.rows.map(
        async ({ name }) =>
          (
            await client.query<{ text: string }>(
              `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS text FROM ${name} t`,
            )
          ).rows[0]?.text ?? '',
      ),
    );
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's maintenance database URL (postgres project only). */
    postgresUrl: string;
  }
}
