/**
 * One measurement of the visits write's cost (issue #18), run as its own process by modes/visits-ingest.mjs:
 * `node store-ingest.mjs <checkout> <events a unit>` writes 200,000 events (60,000 at one a unit) through the SQLite
 * store's group commit of `<checkout>`'s built collector (`store.write` + `insertEvent`, 20 units in flight, each
 * unit the events of one visit, the tracker's fields; at one event a unit, a visit's 5 events come in 5 units, as a
 * tracker sends them) and prints CPU µs and wall time per event as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const [root, perArg = '100'] = process.argv.slice(2);
const per = Number(perArg);
const { openSqliteStore } = await import(`${root}/packages/collector/dist/store/sqlite/sqlite-store.js`);
const dir = mkdtempSync(join(os.tmpdir(), 'tracklet-ingest-'));
const store = openSqliteStore(join(dir, 'i.db'));
const account = await store.write((tx) =>
  tx.createAccount({
    name: 'ingest',
    allowed_origins: [],
    allowed_events: null,
    rate_limit: { api_per_minute: null, beacons_per_minute: null },
    timezone: 'UTC',
    created_at: 1,
    updated_at: 1,
  }),
);
let id = 0;
const event = (visitor, i, at) => ({
  id: ++id,
  account_id: account.id,
  contact_id: visitor,
  user_id: null,
  anonymous_id: `a-${visitor}`,
  session_id: per === 1 ? `s-${visitor}-${Math.floor(id / 25_000)}` : `s-${visitor}-${at}`,
  event: i % 7 === 3 ? 'signup' : 'page_view',
  amount: null,
  data: { plan: 'x' },
  idempotency_key: null,
  request_hash: null,
  resource_uid: null,
  resource_name: null,
  resource_url: null,
  url: `https://shop.example/p/${i % 50}`,
  title: 'T',
  test: false,
  generated: false,
  chain_depth: 0,
  ip: '1.2.3.0',
  user_agent: 'ua',
  browser: 'Chrome',
  os: 'Linux',
  device_type: 'desktop',
  referrer: i === 0 ? 'https://www.google.com/' : null,
  utm_source: null,
  utm_medium: null,
  utm_term: null,
  utm_content: null,
  utm_campaign: null,
  click_ids: null,
  country: 'DE',
  occurred_at: at + i * 1000,
  created_at: at,
  updated_at: at,
});
const units = Math.floor((per === 1 ? 60_000 : 200_000) / per);
const cpu0 = process.cpuUsage();
const started = performance.now();
const inFlight = [];
for (let u = 0; u < units; u++) {
  const at = 1_790_000_000_000 + u * 60_000;
  inFlight.push(
    store.write(async (tx) => {
      for (let i = 0; i < per; i++) await tx.insertEvent(event(u % 5000, i, at));
    }),
  );
  if (inFlight.length >= 20) await inFlight.shift();
}
await Promise.all(inFlight);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - started;
const events = units * per;
process.stdout.write(
  `${JSON.stringify({ events, eventsPerS: Math.round((events / wall) * 1000), cpuUsPerEvent: (cpu.user + cpu.system) / events })}\n`,
);
// Not awaited: the WAL checkpointer's last pass waits on an unref'd timer, which would leave this await unsettled.
void store.close();
rmSync(dir, { recursive: true, force: true });
