import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background thread copies the WAL back into the database file. */
const intervalMs = 100;

/**
 * The thread's code, a CommonJS script (so it runs the same from the TypeScript sources under Vitest and from
 * dist/). Its own connection runs `wal_checkpoint(PASSIVE)`: it copies what no reader still needs, never waits for
 * the writer and never blocks it. With synchronous=NORMAL it fdatasyncs the WAL before and the database file after.
 * Any failure (a full disk, a file made read-only) closes the connection, which is opened again at a later tick, and
 * only once the file is writable: SQLite keeps a read-only file's shared memory read-only for every connection of
 * the process while any of them holds it open (sqlite-connections.ts).
 */
const threadCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { accessSync, constants } = require('node:fs');
const { dirname } = require('node:path');
const Database = require(workerData.betterSqlite3);
let db = null;
let running = true;
let timer = null;
const tick = () => {
  if (!running) return;
  try {
    if (!db) {
      accessSync(workerData.path, constants.W_OK);
      accessSync(dirname(workerData.path), constants.W_OK);
      db = new Database(workerData.path, { fileMustExist: true });
      db.pragma('busy_timeout = 0');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    try { db?.close(); } catch {}
    db = null;
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', () => {
  running = false;
  clearTimeout(timer);
  try { db?.close(); } catch {}
  parentPort.close();
});
tick();
`;

/**
 * Checkpoints the writer's WAL from a thread of its own, so the copy and its two fsyncs never stall the event loop.
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages: on the event loop, every
 * request then waited for the copy of ~4 MB and an fsync of the database file (measured on 100-event beacons:
 * +16% events/s without it). The writer keeps a far higher automatic threshold as a safety net, should this thread
 * fall behind or stop (`fallbackPages`).
 */
export class WalCheckpointer {
  /** The writer's wal_autocheckpoint while this thread runs: ~40 MB of WAL. */
  static readonly fallbackPages = 10_000;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string) {
    const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(threadCode, { eval: true, workerData: { path, betterSqlite3, intervalMs } });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // The thread catches SQLite's errors itself; one it could not (it failed to start) leaves the writer's fallback.
    this.worker.on('error', () => {});
    this.worker.unref();
  }

  /** Stops the thread once its current checkpoint is done, and closes its connection. */
  stop(): Promise<void> {
    this.worker.postMessage('stop');
    return this.exited;
  }
}
