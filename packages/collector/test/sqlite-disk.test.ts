import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  client,
  createAccount,
  startCollector,
  tempDir,
  type TestCollector,
  testStore,
} from './support/collector.js';
import { spawnCollectorProcess } from './support/collector-process.js';
import { expectUnavailable } from './support/outage.js';

/**
 * Issue #7, SQLite under a full disk and on a read-only database file. A full disk is a small tmpfs mounted for the
 * test (needs root: mount -t tmpfs -o size=4m); a read-only file means a collector process running as `nobody` on
 * files it may only read (as root, file permissions would not stop writes). Both run in the sqlite project only.
 */
const isRoot = process.getuid?.() === 0;
const nobody = { uid: 65534, gid: 65534 };

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      try {
        for (;;) writeSync(fd, Buffer.alloc(size));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(testStore !== 'sqlite' || !isRoot)('SQLite on a full disk', () => {
  // Made in beforeAll: a skipped suite (postgres project) runs no hooks and would leave the directory behind.
  let dir: ReturnType<typeof tempDir>;
  let mount: string;
  let c: TestCollector;
  let api: ReturnType<typeof client>;
  const post = (key: string) =>
    api.post('/v1/events', {
      event: 'disk',
      contact_email: 'disk@example.com',
      idempotency_key: key,
      data: { pad: 'x'.repeat(2000) },
    });

  beforeAll(async () => {
    dir = tempDir();
    mount = join(dir.path, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    c = await startCollector(join(mount, 't.db'));
    api = client(c, (await createAccount(c)).keys.live);
  });
  afterAll(async () => {
    await c?.stop();
    execFileSync('umount', [mount]);
    dir.remove();
  });

  it('answers writes 503 store_unavailable while the disk is full, keeps serving reads, and takes writes again once there is space', async () => {
    for (let i = 0; i < 5; i++) expect((await post(`before-${i}`)).status).toBe(201);
    const filler = fill(mount);

    const outcomes = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const answer = await post(`full-${i}`);
      outcomes.set(`full-${i}`, answer.status);
      if (answer.status !== 201) expectUnavailable(answer);
    }
    expect([...outcomes.values()]).toContain(503);
    const batch = await api.post('/v1/events/batch', {
      events: [{ event: 'disk', contact_email: 'disk@example.com', idempotency_key: 'full-batch' }],
    });
    if (batch.status !== 200) expectUnavailable(batch);
    const contact = await api.post('/v1/contacts', {
      email: 'full@example.com',
      attributes: { pad: 'y'.repeat(2000) },
    });
    if (contact.status >= 300) expectUnavailable(contact);

    expect((await api.get('/v1/events?limit=1')).status).toBe(200);
    expect((await call(`${c.url}/readyz`)).status).toBe(200);

    rmSync(filler);
    expect((await post('after-1')).status).toBe(201);
    expect((await post('after-2')).status).toBe(201);

    for (const [key, status] of outcomes) {
      const stored = (await api.get(`/v1/events/status?idempotency_key=${key}`)).body.status;
      expect(stored, key).toBe(status === 201 ? 'created' : 'not_found');
    }
    for (const key of ['before-0', 'before-4', 'after-1', 'after-2']) {
      expect((await api.get(`/v1/events/status?idempotency_key=${key}`)).body.status).toBe('created');
    }
    await c.stop();
    expect(integrity(join(mount, 't.db'))).toBe('ok');
  });
});

/**
 * `nobody` must reach dist/main.js and node_modules: a checkout under a 0700 directory (mktemp -d, as CI clones)
 * would hide them. Lets others traverse (x only, never read) each ancestor that forbids it; returns the undo.
 */
function letOthersTraverse(path: string): () => void {
  const changed: [string, number][] = [];
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      changed.push([dir, mode]);
      chmodSync(dir, mode | 0o001);
    }
  }
  return () => {
    for (const [dir, mode] of changed) chmodSync(dir, mode);
  };
}

describe.skipIf(testStore !== 'sqlite' || !isRoot)('SQLite on a read-only database file', () => {
  let dir: ReturnType<typeof tempDir>;
  let data: string;
  let undoTraverse = () => {};
  const setMode = (file: number, folder: number) => {
    for (const name of readdirSync(data)) chmodSync(join(data, name), file);
    chmodSync(data, folder);
  };

  beforeAll(() => {
    dir = tempDir();
    data = join(dir.path, 'data');
    chmodSync(dir.path, 0o755);
    mkdirSync(data);
    chownSync(data, nobody.uid, nobody.gid);
    undoTraverse = letOthersTraverse(fileURLToPath(new URL('../', import.meta.url)));
  });
  afterAll(() => {
    undoTraverse();
    dir.remove();
  });

  it('answers writes 503 store_unavailable, keeps reads, corrupts nothing, and takes writes again once the file is writable', async () => {
    const db = join(data, 't.db');
    const env = { TRACKLET_DB: db, TRACKLET_DEMO_KEYS: join(data, 'demo-keys.json') };
    let collector = await spawnCollectorProcess(env, { user: nobody, quiet: true });
    const admin = client(collector, 'test-admin-token');
    const { keys } = (await admin.post('/v1/admin/accounts', { name: 'read-only' })).body;
    let api = client(collector, keys.live);
    const event = (key: string) =>
      api.post('/v1/events', { event: 'ro', contact_email: 'ro@example.com', idempotency_key: key });
    expect((await event('writable')).status).toBe(201);

    // A running collector keeps the files it opened: taking the permissions away changes nothing until it reopens them.
    setMode(0o444, 0o555);
    expect((await event('chmod-while-running')).status).toBe(201);
    await collector.stop();

    collector = await spawnCollectorProcess(env, { user: nobody, quiet: true });
    api = client(collector, keys.live);
    for (const key of ['ro-1', 'ro-2']) expectUnavailable(await event(key));
    expectUnavailable(await api.post('/v1/contacts', { email: 'ro-contact@example.com' }));
    const read = await api.get('/v1/events');
    expect(read.status).toBe(200);
    expect(read.body.map((e: { idempotency_key: string }) => e.idempotency_key).sort()).toEqual([
      'chmod-while-running',
      'writable',
    ]);

    setMode(0o644, 0o755);
    expect((await event('writable-again')).status).toBe(201);
    const status = async (key: string) => (await api.get(`/v1/events/status?idempotency_key=${key}`)).body.status;
    expect(await status('ro-1')).toBe('not_found');
    expect(await status('writable-again')).toBe('created');
    await collector.stop();
    expect(collector.child.exitCode).toBe(0);
    expect(integrity(db)).toBe('ok');
  });
});
