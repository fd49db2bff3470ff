import { beaconBody, CHROME_UA } from './requests.mjs';

/**
 * End-to-end lag in log mode (issue #8), in its own process: every `everyMs` it sends a one-event beacon (the
 * tracker's shape, lib/requests.mjs) to one collector, notes when the 200 with the item `accepted` arrived, then asks
 * the *other* collector `GET /v1/events/status?idempotency_key=<the event's id>` (a beacon's event id is its
 * idempotency key) until it answers `created`. The lag is from that 200 to the answer that said `created`: an upper
 * bound, at most one poll interval and one round trip late. Polls go every `pollMs` per outstanding probe, then
 * every 20 ms after 200 ms and every 50 ms after 1 s, so a backlog cannot turn the probe into the main load.
 * Receives { pairs: [[sendUrl, pollUrl], …], publishableKey, liveKey, delayMs, seconds, everyMs, pollMs, timeoutMs }.
 */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function probe(config, [sendUrl, pollUrl]) {
  const body = beaconBody(config.publishableKey, 1);
  const key = JSON.parse(body).events[0].id;
  const sent = performance.now();
  const response = await fetch(`${sendUrl}/v1/collect`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME_UA, origin: 'https://shop.example' },
  });
  const text = await response.text();
  const acked = performance.now();
  const id = /"status":"accepted","id":(\d+)/.exec(text)?.[1];
  if (response.status !== 200 || !id) return { failed: `${response.status} ${text.slice(0, 200)}` };
  const statusUrl = `${pollUrl}/v1/events/status?idempotency_key=${encodeURIComponent(key)}`;
  for (let polls = 1; ; polls++) {
    const status = await (await fetch(statusUrl, { headers: { authorization: `Bearer ${config.liveKey}` } })).json();
    const waited = performance.now() - acked;
    if (status.status === 'created') {
      return { id: Number(id), ackMs: acked - sent, lagMs: waited, polls, sameId: String(status.event_id) === id };
    }
    if (waited > config.timeoutMs) return { id: Number(id), ackMs: acked - sent, timedOut: true, polls };
    await sleep(waited < 200 ? config.pollMs : waited < 1000 ? 20 : 50);
  }
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null;

process.once('message', async (config) => {
  try {
    await sleep(config.delayMs);
    const started = performance.now();
    const running = [];
    for (let k = 0; performance.now() - started < config.seconds * 1000; k++) {
      running.push(probe(config, config.pairs[k % config.pairs.length]).catch((error) => ({ failed: String(error) })));
      await sleep(Math.max(0, started + (k + 1) * config.everyMs - performance.now()));
    }
    const probes = await Promise.all(running);
    const lags = probes
      .filter((p) => p.lagMs !== undefined)
      .map((p) => p.lagMs)
      .sort((a, b) => a - b);
    const acks = probes
      .filter((p) => p.ackMs !== undefined)
      .map((p) => p.ackMs)
      .sort((a, b) => a - b);
    process.send(
      {
        sent: probes.length,
        measured: lags.length,
        failed: probes.filter((p) => p.failed).map((p) => p.failed),
        timedOut: probes.filter((p) => p.timedOut).length,
        wrongId: probes.filter((p) => p.sameId === false).length,
        polls: probes.reduce((sum, p) => sum + (p.polls ?? 0), 0),
        seconds: (performance.now() - started) / 1000,
        lag: {
          p50: percentile(lags, 0.5),
          p90: percentile(lags, 0.9),
          p99: percentile(lags, 0.99),
          max: lags.at(-1) ?? null,
        },
        ack: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99) },
        ids: probes.filter((p) => p.id !== undefined).map((p) => p.id),
      },
      () => process.exit(0),
    );
  } catch (error) {
    process.send({ error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1));
  }
});
