/**
 * `npm run bench -- cluster` as Markdown (bench/results-cluster.md): the single-node SQLite figure and the scale-out
 * topology side by side, the end-to-end lag, every pass, and the check that nothing acknowledged is missing.
 */
const num = (digits) => (v) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '–'
    : v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const n0 = num(0);
const n1 = num(1);
const n2 = num(2);
const pct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);

const find = (rows, target, scenario) =>
  rows.find((r) => r.target === target && r.scenario === scenario && r.overallRate === null);

function summaryLine(label, single, cluster) {
  const perBaseline = (row, value) => (row.pairedBaseline ? n2(value / row.pairedBaseline) : '–');
  return (
    `| ${label} | ${n0(single.eventsPerSec)} (${perBaseline(single, single.eventsPerSec)} ×) ` +
    `| ${n0(cluster.eventsPerSec)} (${perBaseline(cluster, cluster.eventsPerSec)} ×) | **${n2(cluster.eventsPerSec / single.eventsPerSec)} ×** ` +
    `| ${n0(cluster.storedPerSec)} | ${n0(cluster.endToEndPerSec)} | **${n2(cluster.endToEndPerSec / single.eventsPerSec)} ×** ` +
    `| ${n0(cluster.backlogAtEnd)} | ${n1(cluster.drainSeconds)} s${cluster.drainLeft ? ` (${n0(cluster.drainLeft)} left)` : ''} |`
  );
}

function passLine(row) {
  const failed = row.non2xx + row.errors + row.timeouts;
  const ratio = row.pairedBaseline
    ? n2((row.scenario === 'beacon100' ? row.eventsPerSec : row.reqPerSec) / row.pairedBaseline)
    : '';
  const cpu =
    row.target === 'cluster'
      ? `${pct(row.cpu.collectors)} / ${pct(row.cpu.writers)} / ${pct(row.cpu.nats)} / ${pct(row.cpu.postgres)}`
      : pct(row.cpu);
  const cluster = row.target === 'cluster';
  const micros = (share, perSecond) => (share === null || !perSecond ? '–' : n0((share / perSecond) * 1e6));
  const cost = cluster
    ? `${micros(row.cpu.collectors, row.eventsPerSec)} + ${micros(row.cpu.writers, row.storedPerSec)}`
    : row.target === 'sqlite'
      ? micros(row.cpu, row.eventsPerSec)
      : '';
  return (
    `| ${row.target} | ${row.label} | ${row.connections} | ${row.overallRate ? n0(row.overallRate) : 'max'} | ${n0(row.reqPerSec)} ` +
    `| ${n0(row.eventsPerSec)} | ${ratio} | ${n0(row.latency.p50)} | ${n0(row.latency.p99)} | ${failed || ''} ` +
    `| ${row.target === 'baseline' ? '' : n0(row.storedPerSec)} | ${cluster ? n0(row.backlogAtEnd) : ''} ` +
    `| ${row.drainSeconds === null || row.drainSeconds === undefined ? '' : n1(row.drainSeconds)} | ${cpu} | ${cost} | ${pct(row.loadCpu)} | ${n1(row.load1)} |`
  );
}

export function clusterMarkdown(results, budgets) {
  const { system, scale, sqlite, cluster } = results;
  const { lag: lags, check } = cluster;
  const rows = [...sqlite, ...cluster.rows];
  return [
    '# Tracklet benchmark: scale-out (issue #8)',
    '',
    `\`npm run bench -- ${results.mode}\`, ${system.date}. nproc ${system.nproc} (${system.cpu}), ${n0(system.memoryGb)} GiB, ` +
      `Node ${system.node}, collector built from ${system.git}. Load average (1/5/15 min) at start ` +
      `${system.loadStart.map(n2).join(' / ')}, at end ${system.loadEnd.map(n2).join(' / ')} (other work shares this machine); ` +
      `the run took ${n0(system.seconds)} s. Everything — ${cluster.natsNodes} NATS nodes, PostgreSQL, collectors, writers, ` +
      'autocannon — shares these cores.',
    '',
    '## Throughput: the cluster vs one collector on SQLite, same run',
    '',
    "Single node: one collector (`dist/main.js`) on a temp SQLite file, answering after its commit. Cluster: `npm run cluster`'s " +
      'topology — 3 NATS JetStream nodes (stream R3), PostgreSQL, 2 collectors answering once JetStream acked, 2 `tracklet writer`s — ' +
      'with half the connections on each collector. Both stores start empty. "(× baseline)": events/s ÷ the bare Fastify ' +
      'baseline\'s req/s measured just before the pass. "stored, pass + drain": events the writers committed from the pass\'s ' +
      "start until the stream was empty, ÷ (pass + drain) seconds: the rate at which the pass's events became queryable.",
    '',
    '| beacons | single node: events/s stored (× baseline) | cluster: events/s accepted (× baseline) | accepted ÷ single | ' +
      'cluster: stored/s during the pass | cluster: stored/s, pass + drain | stored ÷ single | backlog when the pass ended | drained in |',
    '|---|---|---|---|---|---|---|---|---|',
    ...[
      ['beacon1', `1 event, ${scale.writeConnections} conn.`],
      ['beacon100', `100 events, ${scale.batchConnections} conn.`],
    ].map(([scenario, label]) =>
      summaryLine(label, find(sqlite, 'sqlite', scenario), find(cluster.rows, 'cluster', scenario)),
    ),
    '',
    '## End-to-end lag: accepted → queryable',
    '',
    `A probe process sends a one-event beacon every ${lags[0].everyMs} ms, alternately to each collector, notes when its 200 (item ` +
      "`accepted`) arrives, and polls the other collector's `GET /v1/events/status?idempotency_key=<event id>` every " +
      `${lags[0].pollMs} ms (20 ms after 200 ms, 50 ms after 1 s) until it says \`created\`. The lag runs from the 200 to the poll ` +
      'answer that said `created` (so it overstates by up to one poll interval and one round trip). First on the idle cluster, ' +
      'then while autocannon sends one-event beacons to both collectors at half the rate the cluster sustained end to end in the ' +
      'max pass above.',
    '',
    "| load besides the probe | probes measured | lag p50 | p90 | p99 | max | probe's beacon 200 p50 / p99 | polls/s | timed out (30 s) / failed / wrong id |",
    '|---|---|---|---|---|---|---|---|---|',
    ...lags.map(
      (lag) =>
        `| ${lag.rate ? `${n0(lag.rate)} beacons/s (achieved ${n0(lag.achieved)}, p99 ${n0(lag.loadP99)} ms)` : 'none'} ` +
        `| ${n0(lag.measured)} of ${n0(lag.sent)} | **${n1(lag.lag.p50)} ms** | ${n1(lag.lag.p90)} ms | **${n1(lag.lag.p99)} ms** ` +
        `| ${n1(lag.lag.max)} ms | ${n1(lag.ack.p50)} / ${n1(lag.ack.p99)} ms | ${n0(lag.polls / lag.seconds)} ` +
        `| ${lag.timedOut} / ${lag.failed.length} / ${lag.wrongId} |`,
    ),
    '',
    '## Every acknowledged event stored',
    '',
    ...budgets.map((b) => `- ${b.pass ? 'pass' : '**FAIL**'}: ${b.name}.`),
    `- PostgreSQL holds ${n0(check.stored)} events for ${n0(check.acknowledged)} acknowledged: the difference is requests still ` +
      'in flight when autocannon ended a pass (answered by the collector, not counted by the client), stored all the same.' +
      `${check.examples.length ? ` Missing ids, first ones: ${check.examples.join(', ')}.` : ''}`,
    '',
    '## Passes',
    '',
    'req/s and events/s count what clients got acknowledged (2xx; for the cluster, items `accepted`). "× baseline": as in ' +
      '`bench/results.md` (events/s for 100-event beacons, req/s otherwise, ÷ the paired baseline row just above). "stored/s": ' +
      "what the store committed during the pass (SQLite: the collector's tracklet_events_accepted_total; cluster: the writers' " +
      'sum of it). "backlog": messages in the stream when the pass ended; "drain s": until the stream was empty (cluster) or the ' +
      'collector stopped storing (SQLite; includes its 1.5 s of quiet). "CPU": CPU time ÷ wall time of the pass, 100% = one core; ' +
      `for the cluster, collectors / writers / NATS / PostgreSQL, each role summed. "CPU µs/event": the collector's CPU time per ` +
      "acknowledged event (SQLite), or the collectors' per accepted event + the writers' per stored event (cluster). " +
      `The steady-load row's stored/s and CPU also include the lag probe's beacons and polls. ` +
      `The cluster came up in ${n1(cluster.startSeconds)} s. ` +
      `Passes: ${scale.writeSeconds} s; the warm-up (${scale.warmupSeconds} s) is not shown.`,
    '',
    '| target | pass | conn. | rate | req/s | events/s | × baseline | p50 ms | p99 ms | failed | stored/s | backlog | drain s | CPU | CPU µs/event | load-process CPU | load |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(passLine),
    '',
  ].join('\n');
}
