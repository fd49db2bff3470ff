/**
 * One measurement of the HTTP beacon path (issue #18's ingest budget), run as its own process by
 * modes/ingest-ab.mjs: `node beacon-ingest.mjs <checkout> <requests> <connections>` starts `<checkout>`'s built
 * collector on a fresh SQLite file, warms it with 300 beacons, then sends `<requests>` beacons of 100 events
 * (lib/requests.mjs, the tracker's shape) over `<connections>` concurrent fetches and prints, as JSON, what the
 * collector process used per stored event: CPU µs (from /proc/<pid>/stat, which does not depend on the load
 * generator), bytes written (`wchar` of /proc/<pid>/io) and the events/s the run reached.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createBenchAccount, startCollector } from './collector.mjs';
import { beaconBody, CHROME_UA } from './requests.mjs';
import { cpuSeconds } from './system.mjs';

const [checkout, requestsArg = '1500', connectionsArg = '10'] = process.argv.slice(2);
const requests = Number(requestsArg);
const connections = Number(connectionsArg);
const dir = mkdtempSync(join(os.tmpdir(), 'tracklet-beacon-ingest-'));
const collector = await startCollector({ db: join(dir, 'ingest.db'), workDir: dir, checkout });
try {
  const key = (await createBenchAccount(collector.url, 'ingest')).keys.publishable;
  const headers = {
    'content-type': 'text/plain;charset=UTF-8',
    'user-agent': CHROME_UA,
    origin: 'https://shop.example',
  };
  const send = async () => {
    const body = beaconBody(key, 100);
    const response = await fetch(`${collector.url}/v1/collect`, { method: 'POST', headers, body });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`beacon answered ${response.status}: ${text}`);
  };
  const sendAll = async (n) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (sent++ < n) await send();
      }),
    );
  };
  const wchar = () => Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${collector.pid}/io`, 'utf8'))[1]);
  await sendAll(300);
  const [cpu0, bytes0, t0] = [cpuSeconds(collector.pid), wchar(), performance.now()];
  await sendAll(requests);
  const [cpu1, bytes1, t1] = [cpuSeconds(collector.pid), wchar(), performance.now()];
  const events = requests * 100;
  process.stdout.write(
    `${JSON.stringify({
      cpuUsPerEvent: ((cpu1 - cpu0) * 1e6) / events,
      bytesPerEvent: (bytes1 - bytes0) / events,
      eventsPerS: events / ((t1 - t0) / 1000),
    })}\n`,
  );
} finally {
  await collector.stop();
  rmSync(dir, { recursive: true, force: true });
}
