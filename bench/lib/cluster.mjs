import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCluster } from '../../scripts/cluster.mjs';
import { ADMIN_TOKEN, assertBuilt } from './collector.mjs';
import { collectorRequire } from './collector-deps.mjs';
import { snapshot } from './metrics.mjs';
import { cpuSeconds } from './system.mjs';

/**
 * The scale-out topology of `npm run cluster` (scripts/cluster.mjs' own launcher: 3 NATS JetStream nodes,
 * PostgreSQL, 2 collectors, 2 writers), started for the bench: free ports, quiet, the bench's admin token, rate
 * limits off (all load comes from one IP and one key). What the bench reads from it: the stream's backlog, what the
 * writers stored, each role's CPU time, and which acknowledged events PostgreSQL lacks.
 */
const pg = collectorRequire('pg');
const importFromCollector = (name) => import(pathToFileURL(collectorRequire.resolve(name)).href);
const STREAM = 'tracklet_events';

/** Every process: { pid, ppid, comm }, from /proc. */
function processes() {
  const found = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      found.push({
        pid: Number(entry),
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
      });
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** Processes whose parent is `ppid` (optionally only those named `comm`). */
const childPids = (ppid, comm) =>
  processes()
    .filter((p) => p.ppid === ppid && (!comm || p.comm === comm))
    .map((p) => p.pid);

/** This process's descendants, with their command lines. */
function descendants() {
  const all = processes();
  const tree = [];
  for (let parents = [process.pid]; parents.length;) {
    const next = all.filter((p) => parents.includes(p.ppid));
    tree.push(...next);
    parents = next.map((p) => p.pid);
  }
  return tree.map((p) => {
    try {
      return { ...p, args: readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0') };
    } catch {
      return { ...p, args: [] };
    }
  });
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A PostgreSQL fixture's directory (`<tmp>/tracklet-pg-*`, holding `data/`) whose server listens on `port`. */
function postgresDirOnPort(port) {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('tracklet-pg-'))) {
    try {
      // postmaster.pid: its pid, data directory, start time, port, …
      if (readFileSync(join(tmpdir(), name, 'data/postmaster.pid'), 'utf8').split('\n')[3] === String(port))
        return join(tmpdir(), name);
    } catch {
      /* not this one */
    }
  }
  return null;
}

/**
 * The temp directories this process's descendants work in, added to `seen`: a NATS node's (its command line names
 * its config file there) and PostgreSQL's (initdb's and pg_ctl's `-D <dir>/data`). Noted while they run, because a
 * Ctrl-C from the terminal also reaches them, and a process that already exited shows no command line.
 */
function noteTempDirs(seen) {
  for (const p of descendants()) {
    if (p.comm === 'nats-server' && p.args[2]) seen.add(dirname(p.args[2]));
    const data = p.args[p.args.indexOf('-D') + 1];
    if (p.args.includes('-D') && data?.includes('/tracklet-pg-')) seen.add(dirname(data));
  }
}

/**
 * What to end when the bench exits without its `finally` running (run.mjs answers Ctrl-C with process.exit), also
 * while the topology is still starting: only synchronous work is possible then. It SIGKILLs this process's
 * descendants (NATS nodes, collectors, writers, an initdb or pg_ctl under way) by pid, asks PostgreSQL's postmaster
 * (pg_ctl detached it) for an immediate shutdown, and removes the temp directories.
 */
function exitCleanup(progress, seen) {
  return () => {
    noteTempDirs(seen);
    const onPort = progress.postgres && postgresDirOnPort(progress.postgres.port);
    if (onPort) seen.add(onPort);
    for (const p of descendants())
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    for (const dir of seen) {
      let postmaster = null;
      try {
        postmaster = Number(readFileSync(join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        /* none */
      }
      if (postmaster) {
        try {
          process.kill(postmaster, 'SIGQUIT');
        } catch {
          /* already gone */
        }
        for (let i = 0; i < 50 && alive(postmaster); i++) sleepSync(100);
      }
    }
    for (const dir of [progress.dir, ...seen]) if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

/** PostgreSQL's postmaster, whose backends' CPU time counts as PostgreSQL's. */
async function postmasterPid(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const data = (await client.query('SHOW data_directory')).rows[0].data_directory;
    return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } finally {
    await client.end();
  }
}

/** Starts the topology; resolves with `{ collectors, writers, db, backlog, stored, cpu, missing, stop }`. */
export async function startBenchCluster() {
  assertBuilt();
  const launcher = createCluster({
    basePort: 0,
    quiet: true,
    log: () => {},
    env: {
      TRACKLET_ADMIN_TOKEN: ADMIN_TOKEN,
      TRACKLET_LOG_LEVEL: 'warn',
      TRACKLET_RATE_LIMIT_API: '0',
      TRACKLET_RATE_LIMIT_BEACONS: '0',
    },
  });
  const seen = new Set();
  const onExit = exitCleanup(launcher.progress, seen);
  process.on('exit', onExit);
  const watcher = setInterval(() => noteTempDirs(seen), 100);
  let nc;
  try {
    const started = await launcher.start().finally(() => clearInterval(watcher));
    noteTempDirs(seen);
    const natsPids = childPids(process.pid, 'nats-server');
    const postmaster = await postmasterPid(started.postgres.url());
    const collectors = started.collectors.map((c) => ({ name: c.name, url: c.url, pid: c.child.pid }));
    const writers = started.writers.map((w) => ({ name: w.name, url: w.url, pid: w.child.pid }));

    const { connect } = await importFromCollector('@nats-io/transport-node');
    const { jetstreamManager } = await importFromCollector('@nats-io/jetstream');
    nc = await connect({ servers: started.nats.urls, name: 'tracklet-bench' });
    const jsm = await jetstreamManager(nc);
    const roles = {
      collectors: () => collectors.map((c) => c.pid),
      writers: () => writers.map((w) => w.pid),
      nats: () => natsPids,
      postgres: () => [postmaster, ...childPids(postmaster)],
    };
    return {
      collectors,
      writers,
      db: started.db,
      natsNodes: natsPids.length,
      /** Messages in the stream: accepted and not yet committed by a writer (work-queue retention drops a message once acked). */
      backlog: async () => (await jsm.streams.info(STREAM)).state.messages,
      /** Events the writers stored so far (their tracklet_events_accepted_total, summed). */
      stored: async () =>
        (
          await Promise.all(writers.map(async (w) => snapshot(await (await fetch(`${w.url}/metrics`)).text()).accepted))
        ).reduce((a, b) => a + b, 0),
      /** CPU seconds each role has used so far (PostgreSQL: the postmaster and its backends alive now). */
      cpu: () =>
        Object.fromEntries(
          Object.entries(roles).map(([role, pids]) => [
            role,
            pids().reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0),
          ]),
        ),
      missing: (ids) => missingEvents(started.db, ids),
      stop: async () => {
        await nc?.close().catch(() => {});
        await launcher.stop();
        process.off('exit', onExit);
      },
    };
  } catch (error) {
    await nc?.close().catch(() => {});
    await launcher.stop();
    process.off('exit', onExit);
    throw error;
  }
}

/** How many events PostgreSQL holds, and which of these acknowledged event ids it lacks (the first 10 and the count). */
async function missingEvents(db, ids) {
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    const stored = Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
    const { rows } = await client.query(
      `SELECT a.id FROM unnest($1::bigint[]) AS a(id) LEFT JOIN events e ON e.id = a.id
      WHERE e.id IS NULL`,
      [ids],
    );
    return { stored, missing: rows.length, examples: rows.slice(0, 10).map((r) => r.id) };
  } finally {
    await client.end();
  }
}
