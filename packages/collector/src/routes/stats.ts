import type { FastifyInstance } from 'fastify';
import {
  type RouteDoc,
  statsQuerySchema,
  type StatsRealtime,
  statsRealtimeSchema,
  statsResponseSchema,
} from '@tracklet/protocol';
import { recentVisitorsSql } from '../stats/build-sql.js';
import { runStats } from '../stats/run-stats.js';
import { parseOrThrow } from '../validate.js';
import { type AppDeps, bearer } from './http.js';

/** How far back `GET /v1/stats/realtime` looks: Plausible's "current visitors" window. */
const realtimeWindowMs = 5 * 60_000;

const docs = {
  query: {
    summary: "Aggregates, breakdowns and time series of the account's traffic (Plausible Stats API v2 style)",
    auth: 'stats.read',
    body: statsQuerySchema,
    responses: { 200: { description: 'one row per group', schema: statsResponseSchema } },
  },
  realtime: {
    summary: 'Visitors in the last 5 minutes',
    auth: 'stats.read',
    responses: { 200: { description: 'the live counter', schema: statsRealtimeSchema } },
  },
} satisfies Record<string, RouteDoc>;

/** The stats API (issue #18). A tk_test_ key reads the test events, every other credential the live ones. */
export function statsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post('/v1/stats/query', { config: { openapi: docs.query } }, async (request) => {
    const auth = await bearer(deps, request, 'stats.read');
    const asked = parseOrThrow(statsQuerySchema, request.body ?? {});
    // No zone asked for: the account's (as Plausible uses the site's); meta.time_zone says which one answered.
    const query = { ...asked, timezone: asked.timezone ?? auth.account.timezone };
    return runStats(deps.store, { accountId: auth.account.id, test: auth.test }, query, Date.now(), {
      onRollupError: (error) => request.log.warn({ err: error }, 'a stats rollup was not stored; built again later'),
    });
  });

  app.get('/v1/stats/realtime', { config: { openapi: docs.realtime } }, async (request): Promise<StatsRealtime> => {
    const auth = await bearer(deps, request, 'stats.read');
    const since = Date.now() - realtimeWindowMs;
    const [rows] = await deps.store.statsRows((d) => [recentVisitorsSql(auth.account.id, auth.test, since, d)]);
    return { visitors: Number(rows?.[0]?.visitors ?? 0), window_seconds: realtimeWindowMs / 1000 };
  });
}
