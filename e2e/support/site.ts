import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, freePort } from './collector.js';

export type Site = { url: string; close(): Promise<void> };

/**
 * Serves e2e/fixtures/<fixture> at every path (so /?utm_source=… works) from a second origin, with {{NAME}}
 * placeholders filled in, and the built npm entry at /tracker/index.js. Built files only, never src.
 */
export async function serveFixture(fixture: string, vars: Record<string, string>): Promise<Site> {
  const page = readFileSync(join(ROOT, 'e2e/fixtures', fixture), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`fixture ${fixture} needs {{${k}}}`);
    return vars[k]!;
  });
  const server = createServer((req, res) => {
    if (req.url == '/favicon.ico') return res.writeHead(404).end();
    if (req.url?.startsWith('/tracker/')) {
      const js = readFileSync(join(ROOT, 'packages/tracker/dist', req.url.slice(9).split('?')[0]!));
      return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(js);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
