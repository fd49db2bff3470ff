import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { beacon, client, testDb } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `tracklet` command line on this database (of the test store); never throws, answers exit code and output. */
async function tracklet(db: string, args: string[]): Promise<Run> {
  const store = await testDb(db);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, TRACKLET_DB: store }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the tracklet command line', () => {
  const c = useCollector({ account: false });
  const db = c.dbPath;

  beforeAll(async () => {
    // `npm test` builds first; build here too when run alone, so the test never runs a missing CLI.
    if (!existsSync(cliPath)) {
      execFileSync('npm', ['run', 'build', '-w', '@tracklet/protocol'], { cwd: repo, stdio: 'ignore' });
      execFileSync('npm', ['run', 'build', '-w', '@tracklet/collector'], { cwd: repo, stdio: 'ignore' });
    }
  });

  it('manages webhook endpoints: create (secret shown once), list, rotate-secret, update, deliveries (issue #21)', async () => {
    const account = JSON.parse((await tracklet(db, ['accounts', 'create', '--name', 'hooks'])).stdout);
    const base = ['--account', String(account.id)];
    const args = ['--url', 'https://93.184.216.34/hook', '--events', 'confirmation,login', '--description', 'crm'];
    const created = await tracklet(db, ['webhooks', 'create', ...base, ...args]);
    expect(created.code, created.stderr).toBe(0);
    const endpoint = JSON.parse(created.stdout);
    expect(endpoint).toMatchObject({ url: 'https://93.184.216.34/hook', events: ['confirmation', 'login'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const viaApi = await client(c, account.keys.live).get(`/v1/webhooks/${endpoint.id}`);
    expect(viaApi.body).toMatchObject({ id: endpoint.id, description: 'crm' });
    const listed = JSON.parse((await tracklet(db, ['webhooks', 'list', ...base])).stdout);
    expect(listed.map((e: { id: number }) => e.id)).toEqual([endpoint.id]);
    const rotated = JSON.parse(
      (await tracklet(db, ['webhooks', 'rotate-secret', String(endpoint.id), ...base])).stdout,
    );
    expect(rotated.secret).not.toBe(endpoint.secret);
    const update = ['webhooks', 'update', String(endpoint.id), ...base, '--enabled', 'false'];
    expect(JSON.parse((await tracklet(db, update)).stdout).enabled).toBe(false);
    expect(JSON.parse((await tracklet(db, ['webhooks', 'deliveries', String(endpoint.id), ...base])).stdout)).toEqual(
      [],
    );
    const refused = await tracklet(db, ['webhooks', 'create', ...base, '--url', 'http://10.0.0.1/', '--events', '*']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).errors[0]).toMatchObject({ code: 'invalid_field', path: 'url' });
  }, 90_000);

  describe('accounts create', () => {
    let run: Run;
    let printed: {
      id: number;
      name: string;
      allowed_origins: string[];
      keys: { publishable: string; live: string; test: string };
    };
    beforeAll(async () => {
      run = await tracklet(db, ['accounts', 'create', '--name', 'shop', '--origins', 'https://a.example']);
      printed = JSON.parse(run.stdout);
    });

    it('exits 0 and prints the account as JSON with its three full keys', () => {
      expect(run.code, run.stderr).toBe(0);
      expect(printed).toMatchObject({ id: expect.any(Number), name: 'shop', allowed_origins: ['https://a.example'] });
      expect(printed.keys.publishable).toMatch(/^tk_pub_[A-Za-z0-9]{16,}$/);
      expect(printed.keys.live).toMatch(/^tk_live_[A-Za-z0-9]{16,}$/);
      expect(printed.keys.test).toMatch(/^tk_test_[A-Za-z0-9]{16,}$/);
    });

    it('prints a live key that works against a collector on the same TRACKLET_DB', async () => {
      const live = client(c, printed.keys.live);
      const posted = await live.post('/v1/events', { event: 'from_cli_key', contact_email: 'cli@example.com' });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      expect(posted.body.account_id).toBe(printed.id);
      expect((await live.get(`/v1/events/${posted.body.id}`)).status).toBe(200);
    });

    it('prints a test key that writes test events', async () => {
      const posted = await client(c, printed.keys.test).post('/v1/events', {
        event: 'from_cli_key',
        contact_email: 'cli@example.com',
      });
      expect(posted.status).toBe(201);
      expect(posted.body.test).toBe(true);
    });

    it('prints a publishable key limited to the given origins', async () => {
      const body = (id: string) => ({
        key: printed.keys.publishable,
        events: [{ id, event: 'page_view', anonymous_id: 'anon-cli' }],
      });
      expect((await beacon(c, body('cli-1'), { origin: 'https://a.example' })).status).toBe(200);
      const other = await beacon(c, body('cli-2'), { origin: 'https://b.example' });
      expect(other.status).toBe(403);
      expect(other.body.errors[0].code).toBe('origin_not_allowed');
    });

    it('restricts event names with --events', async () => {
      const restricted = await tracklet(db, ['accounts', 'create', '--name', 'strict', '--events', 'signup,checkout']);
      expect(restricted.code, restricted.stderr).toBe(0);
      const account = JSON.parse(restricted.stdout);
      expect(account.allowed_events).toEqual(['signup', 'checkout']);
      const live = client(c, account.keys.live);
      expect((await live.post('/v1/events', { event: 'checkout', contact_email: 'x@example.com' })).status).toBe(201);
      const refused = await live.post('/v1/events', { event: 'browse', contact_email: 'x@example.com' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].code).toBe('unknown_event');
    });
  });

  describe('keys create and keys revoke', () => {
    let accountId: number;
    let accountLive: string;
    beforeAll(async () => {
      const run = await tracklet(db, ['accounts', 'create', '--name', 'keys']);
      const account = JSON.parse(run.stdout);
      accountId = account.id;
      accountLive = account.keys.live;
    });

    it('creates a live key with only events.read: it lists events and gets 403 on POST /v1/events', async () => {
      const run = await tracklet(db, [
        'keys',
        'create',
        '--account',
        String(accountId),
        '--type',
        'live',
        '--scopes',
        'events.read',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const key = JSON.parse(run.stdout);
      expect(key).toMatchObject({ id: expect.any(Number), type: 'live', scopes: ['events.read'] });
      expect(key.key).toMatch(/^tk_live_/);
      const reader = client(c, key.key);
      expect((await reader.get('/v1/events')).status).toBe(200);
      const write = await reader.post('/v1/events', { event: 'nope', contact_email: 'k@example.com' });
      expect(write.status).toBe(403);
      expect(write.body.errors[0].code).toBe('insufficient_scope');
    });

    it('revokes a key: from then on it is 401, and the account keeps its other keys', async () => {
      const created = JSON.parse(
        (await tracklet(db, ['keys', 'create', '--account', String(accountId), '--type', 'live'])).stdout,
      );
      const key = client(c, created.key);
      expect((await key.post('/v1/events', { event: 'before_revoke', contact_email: 'k@example.com' })).status).toBe(
        201,
      );
      const run = await tracklet(db, ['keys', 'revoke', String(created.id)]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ id: created.id, revoked: true });
      const after = await key.get('/v1/events');
      expect(after.status).toBe(401);
      expect(after.body.errors[0].code).toBe('unauthorized');
      expect((await client(c, accountLive).get('/v1/events')).status).toBe(200);
    });

    it('exits non-zero when revoking an unknown key', async () => {
      const run = await tracklet(db, ['keys', 'revoke', '999999']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('key_not_found');
    });

    it('exits non-zero for a key on an unknown account or of an unknown type', async () => {
      const unknownAccount = await tracklet(db, ['keys', 'create', '--account', '999999', '--type', 'live']);
      expect(unknownAccount.code).not.toBe(0);
      expect(unknownAccount.stderr).toContain('account_not_found');
      const badType = await tracklet(db, ['keys', 'create', '--account', String(accountId), '--type', 'admin']);
      expect(badType.code).not.toBe(0);
      expect(badType.stdout).toBe('');
    });
  });

  describe('bad commands', () => {
    it.each([
      [['frobnicate']],
      [[]],
      [['accounts']],
      [['accounts', 'delete', '1']],
      [['keys', 'create', '--type', 'live']],
      [['keys', 'revoke']],
    ])('exits non-zero with the usage text for %j', async (args) => {
      const run = await tracklet(db, args);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/usage/i);
      expect(run.stderr).toContain('tracklet accounts create --name NAME');
      expect(run.stdout).toBe('');
    });

    it('exits non-zero with the usage text for an unknown option', async () => {
      const run = await tracklet(db, ['accounts', 'create', '--name', 'x', '--bogus', 'y']);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/usage/i);
      expect(run.stdout).toBe('');
    });

    it('exits non-zero without creating an account when --name is missing', async () => {
      const run = await tracklet(db, ['accounts', 'create']);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('name');
    });
  });
});
