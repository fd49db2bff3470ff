/**
 * The budgets of issue #6, evaluated on one run's results, and the run as Markdown (bench/results.md). Throughput
 * budgets are ratios to the baseline measured right before the pass, because the machine is shared and noisy.
 */
const num = (digits) => (v) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '–'
    : v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const n0 = num(0);
const n1 = num(1);
const n2 = num(2);

const storeName = (kind) => (kind === 'sqlite' ? 'SQLite' : 'PostgreSQL');
/** The full-load pass of a scenario against the store itself (not its paired baseline). */
const maxPass = (store, scenario) =>
  store?.rows.find((r) => r.target === store.kind && r.scenario === scenario && r.overallRate === null);
const halfPass = (store, scenario) =>
  store?.rows.find((r) => r.target === store.kind && r.scenario === scenario && r.overallRate !== null);

function budget(name, measured, limit, pass) {
  return { name, measured, limit, pass };
}

function throughputBudgets({ sqlite, postgres }) {
  const out = [];
  const single = maxPass(sqlite, 'beacon1');
  const batched = maxPass(sqlite, 'beacon100');
  if (single) {
    const ratio = single.reqPerSec / single.pairedBaseline;
    out.push(
      budget(
        'SQLite single-event beacons, acknowledged after a durable commit: req/s ≥ 0.25 × baseline req/s',
        `${n0(single.reqPerSec)} req/s = ${n2(ratio)} × ${n0(single.pairedBaseline)}`,
        '≥ 0.25 ×',
        ratio >= 0.25,
      ),
    );
  }
  if (batched) {
    const ratio = batched.eventsPerSec / batched.pairedBaseline;
    out.push(
      budget(
        'SQLite 100-event beacons: events/s ≥ 2 × baseline req/s',
        `${n0(batched.eventsPerSec)} events/s = ${n2(ratio)} × ${n0(batched.pairedBaseline)}`,
        '≥ 2 ×',
        ratio >= 2,
      ),
    );
  }
  const pgSingle = maxPass(postgres, 'beacon1');
  const pgBatched = maxPass(postgres, 'beacon100');
  if (single && pgSingle) {
    // Each against its own paired baseline, so a machine that got busier between the two stores does not count.
    const ratio = pgSingle.reqPerSec / pgSingle.pairedBaseline / (single.reqPerSec / single.pairedBaseline);
    out.push(
      budget(
        'PostgreSQL single-event beacons: ≥ 0.5 × SQLite (each as a ratio to its paired baseline)',
        `${n2(pgSingle.reqPerSec / pgSingle.pairedBaseline)} vs ${n2(single.reqPerSec / single.pairedBaseline)} × baseline ` +
          `(${n0(pgSingle.reqPerSec)} vs ${n0(single.reqPerSec)} req/s) = ${n2(ratio)} ×`,
        '≥ 0.5 ×',
        ratio >= 0.5,
      ),
    );
  }
  if (batched && pgBatched) {
    const ratio = pgBatched.eventsPerSec / pgBatched.pairedBaseline / (batched.eventsPerSec / batched.pairedBaseline);
    out.push(
      budget(
        'PostgreSQL 100-event beacons: events/s ≥ 0.5 × SQLite (each as a ratio to its paired baseline)',
        `${n2(pgBatched.eventsPerSec / pgBatched.pairedBaseline)} vs ${n2(batched.eventsPerSec / batched.pairedBaseline)} × baseline ` +
          `(${n0(pgBatched.eventsPerSec)} vs ${n0(batched.eventsPerSec)} events/s) = ${n2(ratio)} ×`,
        '≥ 0.5 ×',
        ratio >= 0.5,
      ),
    );
  }
  return out;
}

function storeBudgets(store) {
  const out = [];
  const name = storeName(store.kind);
  for (const [scenario, what] of [
    ['beacon1', 'single-event'],
    ['beacon100', '100-event'],
  ]) {
    const half = halfPass(store, scenario);
    if (!half) continue;
    const title = `${name}: p99 acknowledgement latency of ${what} beacons at half the max rate`;
    if (half.skipped) {
      out.push(budget(title, `not measurable: ${half.skipped}`, '≤ 25 ms', false));
      continue;
    }
    out.push(
      budget(
        `${title} (${n0(half.overallRate)} req/s)`,
        `${n0(half.latency.p99)} ms (achieved ${n0(half.reqPerSec)} req/s; ` +
          `the bare baseline at that rate: ${n0(half.referenceP99)} ms)`,
        '≤ 25 ms',
        half.ok > 0 && half.latency.p99 <= 25,
      ),
    );
  }
  out.push(
    budget(
      `${name}: collector peak RSS (VmHWM) under load`,
      `${n0(store.peakRssMb)} MB`,
      '≤ 256 MB',
      store.peakRssMb > 0 && store.peakRssMb <= 256,
    ),
  );
  const size =
    store.seedEvents === 1_000_000 ? '1,000,000' : `only ${store.seedEvents.toLocaleString('en')} (quick run)`;
  for (const row of store.rows.filter((r) => r.scenario.startsWith('list-'))) {
    out.push(
      budget(
        `${name}: ${row.label} on ${size} seeded events + the write passes': p99`,
        `${n0(row.latency.p99)} ms (p50 ${n0(row.latency.p50)} ms, ${n0(row.reqPerSec)} req/s on ${row.connections} connections)`,
        '≤ 50 ms',
        row.ok > 0 && row.latency.p99 <= 50,
      ),
    );
  }
  return out;
}

export function evaluateBudgets(results) {
  const warm = results.enrichment.warmMicros;
  return [
    ...throughputBudgets(results.stores),
    ...Object.values(results.stores).flatMap(storeBudgets),
    budget('Enrichment (user-agent parse) with a warm LRU cache', `${n2(warm)} µs/event`, '≤ 20 µs', warm <= 20),
  ];
}

/** Server CPU time per request (and per event when a request carries many): far steadier than req/s on a busy machine. */
function cpuCost(row) {
  if (row.cpu === null || !row.reqPerSec) return '';
  const perRequest = (row.cpu / row.reqPerSec) * 1e6;
  return row.scenario === 'beacon100' && row.target !== 'baseline' && row.eventsPerSec
    ? `${n0(perRequest)} (${n0((row.cpu / row.eventsPerSec) * 1e6)}/event)`
    : n0(perRequest);
}

function rowLine(row) {
  if (row.skipped) return `| ${row.target} | ${row.label} | | | skipped: ${row.skipped} |${' |'.repeat(13)}`;
  const failed = row.non2xx + row.errors + row.timeouts;
  const c = row.commits;
  const isList = row.scenario.startsWith('list-');
  const ratio = row.pairedBaseline
    ? n2((row.scenario === 'beacon100' ? row.eventsPerSec : row.reqPerSec) / row.pairedBaseline)
    : '';
  const commits = !c
    ? ''
    : c.commits
      ? `${n0(c.commits)} × ${n1(c.unitsPerCommit)} units, ${n2(c.msPerCommit)} ms`
      : '';
  return (
    `| ${row.target} | ${row.label} | ${row.connections} | ${row.overallRate ? n0(row.overallRate) : 'max'} ` +
    `| ${n0(row.reqPerSec)} | ${isList ? '' : n0(row.eventsPerSec)} | ${ratio} | ${n0(row.latency.p50)} | ${n0(row.latency.p99)} ` +
    `| ${failed || ''} | ${row.storedPerSec === null || isList ? '' : n0(row.storedPerSec)} | ${row.drainSeconds === null ? '' : n1(row.drainSeconds)} ` +
    `| ${row.cpu === null ? '–' : `${Math.round(row.cpu * 100)}%`} | ${cpuCost(row)} | ${Math.round(row.loadCpu * 100)}% | ${n0(row.peakRssMb)} ` +
    `| ${commits} | ${n1(row.load1)} |`
  );
}

const LEGEND =
  'req/s and events/s count what clients got acknowledged (2xx) within the pass; "× baseline" divides the ' +
  "pass's req/s (events/s for 100-event beacons) by the bare baseline's req/s measured right before it (the " +
  '"paired" row), so both saw the same machine load. "failed": non-2xx, errors and timeouts (30 s). "stored/s": ' +
  'the collector\'s own count of stored events over the pass (tracklet_events_accepted_total); "drain s": how long ' +
  'it went on storing queued work after the pass ended. "CPU": the server process\'s CPU time over wall time (100% ' +
  '= one core); "CPU µs/req": that CPU time per acknowledged request (per event too for 100-event beacons), which ' +
  'depends much less on the machine\'s load than req/s does; "load-process CPU": the load generator\'s CPU share (autocannon at max rate, the paced generator at half rate). "commits": the collector\'s group commits during the pass (count × mean units per commit, mean ms ' +
  'per commit). "load": the 1-minute load average when the pass started. A `… @ X\'s half rate` baseline row is the ' +
  'bare server at the same offered rate: the latency the loaded machine adds by itself.';

function diagnostics(store) {
  const out = [];
  if (store.strace)
    out.push(
      '',
      `### ${store.kind}: fsync calls (strace -f -c -w, whole collector run)`,
      '',
      '```',
      store.strace,
      '```',
    );
  if (store.profile) {
    out.push(
      '',
      `### ${store.kind}: CPU profile (node --cpu-prof, whole collector run)`,
      '',
      `\`${store.profile.file}\`: busy ${n0(store.profile.busyMs)} ms, idle ${n0(store.profile.idleMs)} ms.`,
      '',
      '| self time | function |',
      '|---|---|',
      ...store.profile.top.map((f) => `| ${n1(f.share * 100)}% | \`${f.fn}\` |`),
      '',
      '| self time | where |',
      '|---|---|',
      ...store.profile.modules.map((m) => `| ${n1(m.share * 100)}% | ${m.module} |`),
    );
  }
  return out;
}

export function toMarkdown(results, budgets) {
  const { system, scale, mode } = results;
  const rows = [...results.baseline.rows, ...Object.values(results.stores).flatMap((s) => s.rows)];
  const { enrichment: e } = results;
  return [
    '# Tracklet benchmark results',
    '',
    `\`npm run bench${mode === 'full' ? '' : ` -- ${mode.replace('-', ' ')}`}\` (scale \`${scale.name}\`), ${system.date}. ` +
      `nproc ${system.nproc} (${system.cpu}), ${n0(system.memoryGb)} GiB, Node ${system.node}, collector built from ${system.git}. ` +
      `Load average (1/5/15 min) at start ${system.loadStart.map(n2).join(' / ')}, at end ${system.loadEnd.map(n2).join(' / ')} ` +
      `(other work shares this machine); the run took ${n0(system.seconds)} s.`,
    '',
    `## Budgets: ${budgets.filter((b) => b.pass).length} of ${budgets.length} pass`,
    '',
    '| budget | measured | limit | |',
    '|---|---|---|---|',
    ...budgets.map((b) => `| ${b.name} | ${b.measured} | ${b.limit} | ${b.pass ? 'pass' : '**FAIL**'} |`),
    '',
    '## Passes',
    '',
    LEGEND,
    '',
    '| target | pass | conn. | rate | req/s | events/s | × baseline | p50 ms | p99 ms | failed | stored/s | drain s | CPU | CPU µs/req | load-process CPU | peak RSS MB | commits | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(rowLine),
    '',
    '## Setup and micro-benchmarks',
    '',
    `- Enrichment (\`createUserAgentParser\` from the built \`dist/pipeline/enrich-user-agent.js\`): cold cache ` +
      `${n1(e.coldMicros)} µs/event (${n0(e.coldAgents)} distinct agents), warm cache ${n2(e.warmMicros)} µs/event ` +
      `(${n0(e.warmAgents)} agents repeated, ${n0(e.warmCalls)} calls).`,
    `- Baseline (bare Fastify 5, its own process) peak RSS ${n0(results.baseline.peakRssMb)} MB.`,
    ...Object.values(results.stores).map(
      (s) =>
        `- ${s.kind}: ${s.seedEvents.toLocaleString('en')} events seeded by a direct bulk ` +
        `insert in ${n1(s.seedSeconds)} s; collector \`packages/collector/dist/main.js\`, peak RSS (VmHWM over its whole run) ${n0(s.peakRssMb)} MB.`,
    ),
    `- Write passes: ${scale.writeSeconds} s, ${scale.writeConnections} connections (100-event beacons: ${scale.batchConnections}); ` +
      `listings: ${scale.listSeconds} s, ${scale.listConnections} connections; every pass also stops at ` +
      `${scale.maxRequests.toLocaleString('en')} requests. The load (autocannon at max rate, an evenly paced open-loop generator at half rate: bench/lib/paced-load.mjs) runs in its own process, on loopback; PostgreSQL is reached over its Unix socket. The collector runs ` +
      'with TRACKLET_RATE_LIMIT_API=0 and TRACKLET_RATE_LIMIT_BEACONS=0: all load comes from one IP and one key.',
    ...Object.values(results.stores).flatMap(diagnostics),
    '',
  ].join('\n');
}
