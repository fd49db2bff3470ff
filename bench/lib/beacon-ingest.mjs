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
import { spawn } from 'node:child_process';
import { beaconBody, CHROME_UA } from './requests.mjs';

const [root, requestsArg = '1500', connectionsArg = '10'] = process.argv.slice(2);
const requests = Number(requestsArg);
const connections = Number(connectionsArg);
const ADMIN = 'tk_admin_ingest_ab_only';
const dir = mkdtempSync(join(os.tmpdir(), 'tracklet-beacon-ingest-'));
const child = spawn(process.execPath, [`${root}/packages/collector/dist/main.js`], {
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    TRACKLET_DB: join(dir, 'ingest.db'),
    TRACKLET_LOG_LEVEL: 'warn',
    TRACKLET_ADMIN_TOKEN: ADMIN,
    TRACKLET_DEMO_KEYS: join(dir, 'demo-keys.json'),
    TRACKLET_RATE_LIMIT_API: '0',
    TRACKLET_RATE_LIMIT_BEACONS: '0',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const seen = (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', () => reject(new Error(`the collector exited: ${out}`)));
  });
  const created = await fetch(`${url}/v1/admin/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ingest' }),
  });
  const key = (await created.json()).keys.publishable;
  const headers = {
    'content-type': 'text/plain;charset=UTF-8',
    'user-agent': CHROME_UA,
    origin: 'https://shop.example',
  };
  const send = async () => {
    const response = await fetch(`${url}/v1/collect`, { method: 'POST', headers, body: beaconBody(key, 100) });
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
  const cpuUs = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // utime + stime, in clock ticks of 10 ms
  };
  const wchar = () => Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))[1]);
  await sendAll(300);
  const [cpu0, bytes0, t0] = [cpuUs(), wchar(), performance.now()];
  await sendAll(requests);
  const [cpu1, bytes1, t1] = [cpuUs(), wchar(), performance.now()];
  const events = requests * 100;
  process.stdout.write(
    `${JSON.stringify({
      cpuUsPerEvent: (cpu1 - cpu0) / events,
      bytesPerEvent: (bytes1 - bytes0) / events,
      eventsPerS: events / ((t1 - t0) / 1000),
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
  rmSync(dir, { recursive: true, force: true });
}
