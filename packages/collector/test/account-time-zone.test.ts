import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { admin, client, settled, testDb } from './support/collector.js';
import { expectError } from './support/expect-error.js';
import { useCollector } from './support/use-collector.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The built `tracklet` command line on the test store: its exit code and what it printed. */
async function tracklet(dbPath: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const db = await testDb(dbPath);
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { ...process.env, TRACKLET_DB: db } }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
    );
  });
}

/** Issue #19: an account's time zone, the stats' zone when a query names none (as Plausible uses the site's). */
describe("the account's time zone", () => {
  const c = useCollector({ account: false });

  it('is UTC unless set, and is set at creation and changed with PATCH', async () => {
    const plain = await admin(c).post('/v1/admin/accounts', { name: 'plain' });
    expect(plain.body.timezone).toBe('UTC');
    const berlin = await admin(c).post('/v1/admin/accounts', { name: 'berlin', timezone: 'Europe/Berlin' });
    expect(berlin.status).toBe(201);
    expect(berlin.body.timezone).toBe('Europe/Berlin');
    const moved = await admin(c).patch(`/v1/admin/accounts/${berlin.body.id}`, { timezone: 'America/New_York' });
    expect(moved.status).toBe(200);
    expect(moved.body.timezone).toBe('America/New_York');
    const renamed = await admin(c).patch(`/v1/admin/accounts/${berlin.body.id}`, { name: 'nyc' });
    expect(renamed.body.timezone).toBe('America/New_York');
  });

  it('refuses a zone that is not an IANA name with invalid_field on timezone', async () => {
    expectError(
      await admin(c).post('/v1/admin/accounts', { name: 'x', timezone: 'Mars/Olympus' }),
      400,
      'invalid_field',
      'timezone',
    );
    const account = await admin(c).post('/v1/admin/accounts', { name: 'y' });
    expectError(
      await admin(c).patch(`/v1/admin/accounts/${account.body.id}`, { timezone: 'CEST+2' }),
      400,
      'invalid_field',
      'timezone',
    );
  });

  it('is set and changed by the command line (--timezone)', async () => {
    const created = await tracklet(c.dbPath, ['accounts', 'create', '--name', 'cli', '--timezone', 'Asia/Tokyo']);
    expect(created.code, created.stderr).toBe(0);
    const account = JSON.parse(created.stdout);
    expect(account.timezone).toBe('Asia/Tokyo');
    const updated = await tracklet(c.dbPath, ['accounts', 'update', String(account.id), '--timezone', 'Europe/Paris']);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout).timezone).toBe('Europe/Paris');
    const bad = await tracklet(c.dbPath, ['accounts', 'update', String(account.id), '--timezone', 'Nowhere/Land']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).errors[0]).toMatchObject({ code: 'invalid_field', path: 'timezone' });
  });

  it("counts a query without a zone in the account's days: 23:30 UTC is the next day in Berlin", async () => {
    const account = await admin(c).post('/v1/admin/accounts', { name: 'midnight', timezone: 'Europe/Berlin' });
    const api = client(c, account.body.keys.live);
    // 2026-11-10 23:30 UTC is 2026-11-11 00:30 in Berlin (UTC+1 in November); 22:30 UTC is the 10th in both.
    for (const [i, at] of ['2026-11-10T23:30:00Z', '2026-11-10T23:45:00Z', '2026-11-10T22:30:00Z'].entries())
      expect((await api.post('/v1/events', { event: 'signup', external_id: `u${i}`, timestamp: at })).status).toBe(201);
    await settled(c);
    const byDay = async (body: Record<string, unknown>) => {
      const answer = await api.post('/v1/stats/query', {
        metrics: ['events'],
        date_range: ['2026-11-10', '2026-11-11'],
        dimensions: ['time:day'],
        ...body,
      });
      expect(answer.status).toBe(200);
      return {
        zone: answer.body.meta.time_zone,
        days: answer.body.results.map((r: any) => [r.dimensions[0], r.metrics[0]]),
      };
    };
    expect(await byDay({})).toEqual({
      zone: 'Europe/Berlin',
      days: [
        ['2026-11-10', 1],
        ['2026-11-11', 2],
      ],
    });
    expect(await byDay({ timezone: 'UTC' })).toEqual({
      zone: 'UTC',
      days: [
        ['2026-11-10', 3],
        ['2026-11-11', 0],
      ],
    });
    // A change of the account's zone answers from the next query on (the authentication cache re-reads the account).
    await admin(c).patch(`/v1/admin/accounts/${account.body.id}`, { timezone: 'UTC' });
    expect((await byDay({})).zone).toBe('UTC');
  });
});
