import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createBenchAccount, startCollector } from '../lib/collector.mjs';
import { log, measure, warmUp } from '../lib/measure.mjs';
import { postgresFixture } from '../lib/postgres.mjs';
import { cpuSeconds } from '../lib/system.mjs';
import { startReceivers } from '../lib/webhook-receivers.mjs';
import { topFunctions } from '../lib/profile.mjs';
import { flagValue } from '../lib/flags.mjs';
import { median } from '../lib/median.mjs';

export const description =
  'outgoing webhooks (issue #21): ingest req/s with 1 hanging + 1 healthy endpoint vs none (median of --pairs=N alternated), delivery lag p99 at 1,000 events/s (args: sqlite | postgres, inline, receivers-apart)';

const SECONDS = 10;
/** The worker on a thread of its own (TRACKLET_WEBHOOK_THREAD), unless `inline` is given. */
let thread = true;
const CONNECTIONS = 10;
/** The receivers' process (this one, or their own with `receivers-apart`), for their CPU. */
let receiversPid = process.pid;

async function addEndpoint(url, key, target) {
  const response = await fetch(`${url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: target, events: ['*'] }),
  });
  if (response.status !== 201) throw new Error(`webhook endpoint: ${response.status} ${await response.text()}`);
}

/** CPU seconds per thread of `pid` by name (Node names its worker threads after their module's job). */
function threadCpu(pid) {
  const out = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}:${tid}`;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    // The collector exited: nothing to add.
  }
  return out;
}

/** Where the CPU went during `run`: the collector's threads, and this process (the receivers). */
async function cpuOf(pid, label, run) {
  const [before, self] = [threadCpu(pid), cpuSeconds(receiversPid)];
  const load = os.loadavg()[0];
  const result = await run();
  const after = threadCpu(pid);
  const spent = Object.entries(after)
    .map(([name, s]) => [name, s - (before[name] ?? 0)])
    .filter(([, s]) => s >= 0.05)
    .map(([name, s]) => `${name} ${s.toFixed(1)}`);
  const receivers = cpuSeconds(receiversPid) - self;
  log(`    ${label} CPU s: ${spent.join(', ')}; receivers ${receivers.toFixed(1)}; load average ${load}`);
  return { ...result, mainCpu: (after.main ?? 0) - (before.main ?? 0) };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? NaN;

/** One fresh collector on a fresh store; with `hooks`, the account gets a hanging and a healthy endpoint. */
async function onCollector(store, dir, name, hooks, run, profile = false) {
  const db = store === 'sqlite' ? join(dir, `${name}.db`) : await store.createDatabase(name);
  const cpuProfDir = profile ? join(os.tmpdir(), `tracklet-webhooks-prof-${name}`) : undefined;
  const collector = await startCollector({
    db,
    workDir: dir,
    ...(cpuProfDir ? { cpuProfDir } : {}),
    env: {
      TRACKLET_WEBHOOKS_ALLOW_PRIVATE: 'true',
      TRACKLET_WEBHOOK_THREAD: thread ? 'true' : 'false',
      ...Object.fromEntries(
        ['TRACKLET_WEBHOOK_NICE', 'TRACKLET_WEBHOOK_YIELD_AT'].flatMap((name) =>
          process.env[name] ? [[name, process.env[name]]] : [],
        ),
      ),
    },
  });
  try {
    const account = await createBenchAccount(collector.url, name);
    if (hooks) {
      await addEndpoint(collector.url, account.keys.live, hooks.hanging);
      await addEndpoint(collector.url, account.keys.live, hooks.healthy);
    }
    const target = { name, url: collector.url, pid: collector.pid, metrics: collector.metrics };
    return await run(target, { liveKey: account.keys.live });
  } finally {
    await collector.stop();
    const hot = cpuProfDir ? topFunctions(cpuProfDir, 20) : null;
    if (hot) {
      log(`    ${name}: busy ${hot.busyMs.toFixed(0)} ms, idle ${hot.idleMs.toFixed(0)} ms`);
      for (const m of hot.modules) log(`    ${name} module ${(m.share * 100).toFixed(1)}% ${m.module}`);
      for (const f of hot.top) log(`    ${name} fn ${(f.share * 100).toFixed(1)}% ${f.fn}`);
    }
  }
}

export default async function webhooks({ args, flags }) {
  thread = !args.includes('inline');
  const profile = flags.has('--cpu-prof');
  const pairs = Number(flagValue(flags, 'pairs') ?? 3);
  const storeName = args.includes('postgres') ? 'postgres' : 'sqlite';
  const dir = mkdtempSync(join(os.tmpdir(), 'tracklet-bench-webhooks-'));
  const fixture = storeName === 'postgres' ? await postgresFixture() : null;
  const pg = fixture ? await fixture.startPostgresServer() : null;
  const store = pg ? { createDatabase: () => fixture.createDatabase(pg.url()) } : 'sqlite';
  const arrivals = [];
  const hooks = await startReceivers((lags) => arrivals.push(...lags), { apart: args.includes('receivers-apart') });
  receiversPid = hooks.pid;
  try {
    const pass = (hooked) => async (target, params) => {
      await warmUp(target, 'events', 3, params);
      return cpuOf(target.pid, hooked ? 'hooked' : 'bare', () =>
        measure(target, 'events', {
          label: hooked ? 'with webhooks' : 'no webhooks',
          connections: CONNECTIONS,
          seconds: SECONDS,
          maxRequests: 10_000_000,
          params,
        }),
      );
    };
    log(
      `webhooks on ${storeName}: ${SECONDS} s of POST /v1/events, ${CONNECTIONS} connections, ${pairs} alternated pairs`,
    );
    const pairsSeen = [];
    for (let i = 0; i < pairs; i++) {
      const bare = await onCollector(store, dir, `bare${i}`, null, pass(false), profile);
      const hooked = await onCollector(store, dir, `hooked${i}`, hooks, pass(true), profile);
      pairsSeen.push({ bare, hooked, ratio: hooked.reqPerSec / bare.reqPerSec });
      log(`  pair ${i + 1}: ratio ${(hooked.reqPerSec / bare.reqPerSec).toFixed(2)}`);
    }
    const bare = { reqPerSec: median(pairsSeen.map((p) => p.bare.reqPerSec)) };
    const hooked = { reqPerSec: median(pairsSeen.map((p) => p.hooked.reqPerSec)) };
    const ratio = median(pairsSeen.map((p) => p.ratio));
    const cpuUs = (side) => median(pairsSeen.map((p) => (p[side].mainCpu / (p[side].reqPerSec * SECONDS)) * 1e6));
    if (pairs > 0)
      log(
        `  ratio with/without webhooks, median of ${pairs}: ${ratio.toFixed(2)} (${pairsSeen.map((p) => p.ratio.toFixed(2)).join(', ')}; budget >= 0.90); main thread CPU per event ${cpuUs('bare').toFixed(0)} / ${cpuUs('hooked').toFixed(0)} µs`,
      );
    arrivals.length = 0;
    const paced = await onCollector(store, dir, 'paced', hooks, async (target, params) => {
      const row = await measure(target, 'events', {
        label: 'paced with webhooks',
        connections: 50,
        seconds: SECONDS,
        maxRequests: 10_000_000,
        overallRate: 1000,
        params,
      });
      const deadline = Date.now() + 30_000;
      while (arrivals.length < row.ok && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return row;
    });
    const lags = [...arrivals].sort((a, b) => a - b);
    const lag = {
      delivered: lags.length,
      stored: paced.ok,
      p50: percentile(lags, 0.5),
      p99: percentile(lags, 0.99),
      max: lags.at(-1),
    };
    log(
      `  delivery lag at 1,000 events/s: ${lag.delivered}/${lag.stored} delivered, p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (budget p99 <= 1000 ms)`,
    );
    const budgets = [
      { name: 'ingest with webhooks / without', value: ratio, limit: 0.9, pass: ratio >= 0.9 },
      {
        name: 'delivery lag p99 at 1,000 events/s (ms)',
        value: lag.p99,
        limit: 1000,
        pass: lag.p99 <= 1000 && lag.delivered >= lag.stored,
      },
    ];
    process.stdout.write(
      [
        `| store | no webhooks req/s | 1 hanging + 1 healthy req/s | ratio | paced req/s | delivered | lag p50 | lag p99 | lag max |`,
        `|---|---|---|---|---|---|---|---|---|`,
        `| ${storeName} | ${bare.reqPerSec.toFixed(0)} | ${hooked.reqPerSec.toFixed(0)} | ${ratio.toFixed(2)} | ${paced.reqPerSec.toFixed(0)} | ${lag.delivered}/${lag.stored} | ${lag.p50} ms | ${lag.p99} ms | ${lag.max} ms |`,
      ].join('\n') + '\n',
    );
    return budgets;
  } finally {
    await hooks.close();
    await pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
