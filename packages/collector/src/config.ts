import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { maxInstanceId } from './ids.js';
import { type LogConfig, loadLogConfig } from './event-log/event-log-config.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { IpMode } from './pipeline/enrich-country.js';
import type { Store } from './store/store.js';
import { loadWebhookConfig, type WebhookConfig } from './webhooks/webhook-config.js';
import { isPostgresUrl } from './store/postgres-url.js';

export interface CollectorConfig {
  port: number;
  host: string;
  /** A file path (embedded SQLite) or a postgres:// URL. */
  db: string;
  adminToken: string;
  /** True when no TRACKLET_ADMIN_TOKEN was set and one was made up (main prints it). */
  adminTokenGenerated: boolean;
  jwtSecret: string | null;
  trustProxy: boolean;
  /** 0–31, part of every event id so several collectors never make the same id. */
  instanceId: number;
  logLevel: string;
  /** The built script-tag tracker served at /t.js (null: not served). */
  trackerScript: string | null;
  /** The built demo served at /demo/ (null: not served). */
  demoDir: string | null;
  /** The built dashboard (dashboard/dist), served at /dashboard/; null when it is not built. */
  dashboardDir: string | null;
  /** Group commit bounds; `writers`: PostgreSQL writer connections, each with its own group transaction. */
  writer: { maxBatch: number; maxQueue: number; writers: number };
  /** Requests per minute unless an account sets its own (0 = no limit): per secret key, per client IP + publishable key. */
  rateLimits: { apiPerMinute: number; beaconsPerMinute: number };
  /** On SIGTERM, how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** The event log (TRACKLET_LOG=nats://…, issue #8, docs/deploy.md); null: events go straight to the store. */
  log: LogConfig | null;
  /** TRACKLET_IP (issue #18): what of a client's IP is stored; the country is looked up before. */
  ipMode: IpMode;
  /** Outgoing webhooks (issue #21). */
  webhooks: WebhookConfig;
}

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(raw))
    throw new Error(`${name} must be true or false, got "${raw}"`);
  return ['true', '1', 'yes'].includes(raw);
}

/** TRACKLET_IP: `truncate` by default, so no full address (personal data) is stored unless asked for. */
function ipModeOf(raw: string | undefined): IpMode {
  const mode = raw || 'truncate';
  if (mode !== 'full' && mode !== 'truncate' && mode !== 'none')
    throw new Error(`TRACKLET_IP must be full, truncate or none, got "${raw}"`);
  return mode;
}

/** The collector's configuration from environment variables (README "Configuration"); throws a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const tracker = env.TRACKLET_TRACKER_SCRIPT ?? repoFile('packages/tracker/dist/t.js');
  const demo = env.TRACKLET_DEMO_DIR ?? repoFile('demo/dist');
  const dashboard = env.TRACKLET_DASHBOARD_DIR ?? repoFile('dashboard/dist');
  return {
    port: integer(env, 'PORT', 8787, 0, 65535),
    host: env.HOST || '127.0.0.1',
    db: env.TRACKLET_DB || './data/tracklet.db',
    adminToken: env.TRACKLET_ADMIN_TOKEN || `tk_admin_${randomBytes(24).toString('base64url')}`,
    adminTokenGenerated: !env.TRACKLET_ADMIN_TOKEN,
    jwtSecret: env.TRACKLET_JWT_SECRET || null,
    trustProxy: flag(env, 'TRACKLET_TRUST_PROXY'),
    instanceId: integer(env, 'TRACKLET_INSTANCE_ID', 0, 0, maxInstanceId),
    logLevel: env.TRACKLET_LOG_LEVEL || 'info',
    trackerScript: existsSync(tracker) ? tracker : null,
    demoDir: existsSync(demo) ? demo : null,
    dashboardDir: existsSync(`${dashboard}/index.html`) ? dashboard : null,
    writer: {
      maxBatch: integer(env, 'TRACKLET_WRITER_MAX_BATCH', 2000, 1, 100_000),
      maxQueue: integer(env, 'TRACKLET_WRITER_MAX_QUEUE', 20_000, 1, 10_000_000),
      writers: integer(env, 'TRACKLET_PG_WRITERS', 2, 1, 64),
    },
    rateLimits: {
      apiPerMinute: integer(env, 'TRACKLET_RATE_LIMIT_API', 6000, 0, 10_000_000),
      beaconsPerMinute: integer(env, 'TRACKLET_RATE_LIMIT_BEACONS', 1200, 0, 10_000_000),
    },
    shutdownGraceMs: integer(env, 'TRACKLET_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    ipMode: ipModeOf(env.TRACKLET_IP),
    log: loadLogConfig(env, { postgres: isPostgresUrl(env.TRACKLET_DB || ''), integer }),
    webhooks: loadWebhookConfig(env, integer, flag),
  };
}

/** TRACKLET_DB as it may be printed: a PostgreSQL URL loses its password. */
export function describeStore(db: string): string {
  if (!isPostgresUrl(db)) return db;
  const url = new URL(db);
  if (url.password) url.password = '***';
  return url.toString();
}

/**
 * The composition root's one choice of store adapter, from TRACKLET_DB: a postgres:// (or postgresql://) URL opens
 * PostgreSQL (connecting and migrating first, so it is async), anything else is an SQLite file path. The PostgreSQL
 * adapter, and with it the `pg` driver, is only loaded when configured: an SQLite collector never loads it.
 */
export async function openStore(
  config: CollectorConfig,
  onCommit?: (seconds: number, size: number) => void,
): Promise<Store> {
  const { writers, ...bounds } = config.writer;
  const options = { ...bounds, ...(onCommit ? { onCommit } : {}) };
  if (!isPostgresUrl(config.db)) return openSqliteStore(config.db, options);
  try {
    const { openPostgresStore } = await import('./store/postgres/postgres-store.js');
    return await openPostgresStore(config.db, { ...options, writers });
  } catch (error) {
    throw new Error(`cannot open the PostgreSQL store ${describeStore(config.db)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
