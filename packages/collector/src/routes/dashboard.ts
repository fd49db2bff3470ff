import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from './http.js';
import { htmlSecurityHeaders } from './security-headers.js';

/**
 * The dashboard (issue #19) at /dashboard/: static files only. It reads the public stats, events and contacts APIs
 * with the credential the visitor gives it (a live key, or a share link's token), so nothing here is private to it.
 * Every other /dashboard/… path (a share link /dashboard/s/<token>) is the same single page.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const dir = deps.config.dashboardDir;
  if (!dir) return;
  const shell = readFileSync(join(dir, 'index.html'));
  await htmlSecurityHeaders(app, [shell.toString('utf8')]);
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/dashboard/',
    index: ['index.html'],
    wildcard: false,
    maxAge: 3600_000,
  });
  app.get('/dashboard', async (_request, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard/*', async (_request, reply) => reply.type('text/html; charset=utf-8').send(shell));
}
