import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { type DemoFeed, type DemoVisitor, limits, type StoredEvent } from '@tracklet/protocol';
import type { DiscardLog } from '../activity.js';
import type { AppDeps } from './http.js';
import { htmlSecurityHeaders } from './security-headers.js';

export interface DemoOptions {
  accountId: number;
  publishableKey: string;
  /** The demo account's dashboard (a share link), which the live panel links to; absent for test accounts. */
  dashboard?: string;
  discards: DiscardLog;
}

const FEED_SIZE = 200;

/** Events per minute over the feed's last 30 minutes, and events by UTM source. */
function stats(events: StoredEvent[], now: number): DemoFeed['stats'] {
  const perMinute = new Map<number, number>();
  const bySource = new Map<string, number>();
  for (const e of events) {
    const minute = Math.floor(Date.parse(e.created_at) / 60_000) * 60_000;
    if (now - minute <= 30 * 60_000) perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    const source = e.utm_source ?? '(none)';
    bySource.set(source, (bySource.get(source) ?? 0) + 1);
  }
  return {
    per_minute: [...perMinute]
      .sort(([a], [b]) => a - b)
      .map(([minute, count]) => ({ minute: new Date(minute).toISOString(), count })),
    by_utm_source: [...bySource].sort(([, a], [, b]) => b - a).map(([source, count]) => ({ source, count })),
  };
}

/**
 * The demo shop at /demo/ and its read-only live panel API. The panel must never hold a secret key, so these
 * routes read the demo account alone, without credentials; they exist only for the demo account `npm start`
 * created, so no other account's data is ever reachable through them.
 */
export async function demoRoutes(app: FastifyInstance, deps: AppDeps, demo: DemoOptions): Promise<void> {
  const dir = deps.config.demoDir;
  // The script-tag page gets the demo's publishable key written into its tag.
  const tagPage = dir
    ? readFileSync(join(dir, 'tag.html'), 'utf8').replaceAll('__TRACKLET_KEY__', demo.publishableKey)
    : null;
  const shell = dir ? readFileSync(join(dir, 'index.html')) : null;
  await htmlSecurityHeaders(app, [tagPage ?? '', shell?.toString('utf8') ?? '']);

  app.get('/demo/api/config', async () => ({ key: demo.publishableKey, dashboard: demo.dashboard ?? null }));

  app.get('/demo/api/feed', async (): Promise<DemoFeed> => {
    const { events, total } = await deps.store.listEvents(demo.accountId, {}, { limit: FEED_SIZE, offset: 0 });
    return { total, events, discarded: demo.discards.recent(), stats: stats(events, Date.now()) };
  });

  app.get<{ Querystring: { anonymous_id?: string } }>('/demo/api/visitor', async (request): Promise<DemoVisitor> => {
    const anonymousId = String(request.query.anonymous_id ?? '').slice(0, limits.maxVisitorIdLength);
    const { events } = await deps.store.listEvents(
      demo.accountId,
      { anonymous_id: anonymousId },
      { limit: 1, offset: 0 },
    );
    const profile = events[0] ? await deps.store.getContactProfile(demo.accountId, events[0].contact_id) : null;
    // A visitor with no stored event yet is not an error for the panel: it shows "no events yet".
    return {
      contact: profile?.merged_into ? await deps.store.getContactProfile(demo.accountId, profile.merged_into) : profile,
    };
  });

  if (!dir || !tagPage || !shell) return;
  app.get('/demo/tag.html', async (_request, reply) => reply.type('text/html; charset=utf-8').send(tagPage));
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/demo/',
    index: ['index.html'],
    wildcard: false,
    maxAge: 3600_000,
    globIgnore: ['tag.html'],
  });
  // Every other /demo/… path is a route of the single-page shop.
  app.get('/demo', async (_request, reply) => reply.redirect('/demo/'));
  app.get('/demo/*', async (_request, reply) => reply.type('text/html; charset=utf-8').send(shell));
}
