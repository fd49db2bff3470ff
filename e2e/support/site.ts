import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, freePort } from './collector.js';

export type Site = { url: string; close(): Promise<void> };

/** The two builds of the tracker every tracker spec runs over (playwright.config.ts has one project per build). */
export type Build = 'tag' | 'npm';

/** The tracker's options (packages/tracker README), written as data-* attributes for the tag and as createTracker options for npm. */
export type TrackerOptions = {
  autoPageViews?: boolean;
  hashRouting?: boolean;
  respectDnt?: boolean;
  consent?: 'granted' | 'pending' | 'denied';
  batchMs?: number;
  /** The automatic events of issue #22: on the tag they load /t.full.js with `data-features`. */
  outbound?: boolean;
  downloads?: boolean | string[];
  tagged?: boolean;
  engagement?: boolean | 'always';
  notFound?: boolean;
};

type PlainOption = 'autoPageViews' | 'hashRouting' | 'respectDnt' | 'consent' | 'batchMs';
const ATTRIBUTES: Record<PlainOption, string> = {
  autoPageViews: 'data-auto',
  hashRouting: 'data-hash-routing',
  respectDnt: 'data-respect-dnt',
  consent: 'data-consent',
  batchMs: 'data-batch-ms',
};
const FEATURES = ['outbound', 'downloads', 'tagged', 'engagement'] as const;

/** The script tag's attributes for `options`, and which build it loads: t.full.js when a feature is on. */
function tagOf(options: TrackerOptions): { src: string; attrs: string } {
  const plain = Object.entries(options).filter(([k]) => k in ATTRIBUTES);
  const attrs = plain.map(([k, v]) => ` ${ATTRIBUTES[k as PlainOption]}="${v}"`);
  const features = FEATURES.filter((f) => options[f]);
  if (features.length) attrs.push(` data-features="${features.join(',')}"`);
  if (Array.isArray(options.downloads)) attrs.push(` data-download-extensions="${options.downloads.join(',')}"`);
  if (options.engagement == 'always') attrs.push(' data-engagement="always"');
  if (options.notFound) attrs.push(' data-404');
  return { src: features.length ? 't.full.js' : 't.js', attrs: attrs.join('') };
}

/**
 * The embedding of one build, for a fixture's {{TRACKER}} placeholder. Both give the page the same
 * `window.tracklet(command, ...args)`: the tag's own dispatcher (after its queue stub, `window.trackletStub`), or for
 * npm a one-line dispatcher over `createTracker`'s methods (also at `window.tracker`), so specs drive both alike.
 */
export function trackerSnippet(build: Build, given: TrackerOptions = {}): string {
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  if (build == 'tag') {
    const { src, attrs } = tagOf(options);
    // The embedding from API.md "Tracker API": the queue stub (first, so it is surely the stub that
    // `trackletStub` keeps), then the async tag.
    return [
      '<script>window.tracklet=window.tracklet||function(){(tracklet.q=tracklet.q||[]).push(arguments)};window.trackletStub=tracklet</script>',
      `<script async src="{{COLLECTOR}}/${src}" data-key="{{KEY}}"${attrs}></script>`,
    ].join('\n  ');
  }
  // The npm build (packages/tracker/dist/index.js), as a bundler would ship it.
  return [
    '<script type="module">',
    "    import { createTracker } from '/tracker/index.js';",
    `    const t = (window.tracker = createTracker({ key: '{{KEY}}', api: '{{COLLECTOR}}', ...${JSON.stringify(options)} }));`,
    '    window.tracklet = (command, ...args) => t[command](...args);',
    '  </script>',
  ].join('\n');
}

/**
 * Serves e2e/fixtures/<fixture> at every path (so /?utm_source=… and SPA routes work) from a second origin, with
 * {{NAME}} placeholders filled in, the built npm entry at /tracker/index.js, and /files/* as downloads. Built files only.
 * With `tracker`, the fixture's {{TRACKER}} becomes that build's embedding.
 */
export async function serveFixture(
  fixture: string,
  vars: Record<string, string>,
  tracker?: { build: Build; options?: TrackerOptions },
): Promise<Site> {
  const all: Record<string, string> = {
    ...vars,
    ...(tracker ? { TRACKER: trackerSnippet(tracker.build, tracker.options) } : {}),
  };
  const fill = (s: string): string =>
    s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
      if (!(k in all)) throw new Error(`fixture ${fixture} needs {{${k}}}`);
      return fill(all[k]!);
    });
  const page = fill(readFileSync(join(ROOT, 'e2e/fixtures', fixture), 'utf8'));
  const server = createServer((req, res) => {
    if (req.url == '/favicon.ico') return res.writeHead(404).end();
    // A file to download (the file-download spec): the browser saves it and stays on the page.
    if (req.url?.startsWith('/files/')) {
      return res
        .writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment' })
        .end('%PDF-1.4 tracklet e2e');
    }
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
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        // Keep-alive connections of a closed page would hold close() open.
        server.closeAllConnections();
      }),
  };
}
