import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, openStore } from '../src/config.js';
import { inlineHashes } from '../src/routes/security-headers.js';
import { createAccountWithKeys } from '../src/services/accounts.js';
import { tempDir, testDb } from './support/collector.js';

const stub = 'window.tracklet=window.tracklet||function(){(tracklet.q=tracklet.q||[]).push(arguments)}';
const tagPage = `<!doctype html><html><head><script async src="/t.js" data-key="__TRACKLET_KEY__"></script><script>${stub}</script>
<style>body{color:red}</style></head><body><script>
  tracklet('track', 'ready');
</script></body></html>`;
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Issue #7: security headers on the HTML and JavaScript the collector serves (helmet, scoped to those routes). */
describe('security headers', () => {
  const dir = tempDir();
  let app: FastifyInstance;

  beforeAll(async () => {
    const demo = join(dir.path, 'demo');
    mkdirSync(join(demo, 'assets'), { recursive: true });
    writeFileSync(join(demo, 'tag.html'), tagPage);
    writeFileSync(
      join(demo, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/demo/assets/app.js"></script></head><body></body></html>',
    );
    writeFileSync(join(demo, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, 't.js'), '(()=>{})()');
    writeFileSync(join(dir.path, 't.full.js'), '(()=>{1})()');
    const config = loadConfig({
      TRACKLET_DB: await testDb(`${dir.path}/t.db`),
      TRACKLET_ADMIN_TOKEN: 'x',
      TRACKLET_DEMO_DIR: demo,
      TRACKLET_TRACKER_SCRIPT: join(dir.path, 't.js'),
    });
    const store = await openStore(config);
    const account = await createAccountWithKeys(store, { name: 'demo' });
    app = await buildApp(config, {
      store,
      logger: false,
      demo: { accountId: account.id, publishableKey: account.keys.publishable },
    });
  });
  afterAll(async () => {
    await app.close();
    dir.remove();
  });

  it('serves /t.js and /t.full.js, each with its own ETag, nosniff, a cross-origin resource policy and a referrer policy', async () => {
    const full = await app.inject('/t.full.js');
    expect(full.statusCode).toBe(200);
    expect(full.body).toBe('(()=>{1})()');
    expect(full.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const res = await app.inject('/t.js');
    expect(res.body).toBe('(()=>{})()');
    expect(res.headers.etag).not.toBe(full.headers.etag);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const cached = await app.inject({ url: '/t.js', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(cached.statusCode).toBe(304);
    expect(cached.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the demo HTML with a CSP that allows its inline scripts by hash (no unsafe-inline) and forbids framing', async () => {
    for (const url of ['/demo/tag.html', '/demo/', '/demo/products/1']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
    const tag = await app.inject('/demo/tag.html');
    const scriptSrc = /script-src ([^;]*)/.exec(String(tag.headers['content-security-policy']))?.[1] ?? '';
    expect(scriptSrc).toContain(sha256(stub));
    expect(scriptSrc).toContain(sha256("\n  tracklet('track', 'ready');\n"));
    expect(/style-src ([^;]*)/.exec(String(tag.headers['content-security-policy']))?.[1]).toContain(
      sha256('body{color:red}'),
    );
    // The key written into the page is in an attribute, so the inline scripts' hashes hold for the page as served.
    expect(inlineHashes([tag.body], 'script').every((hash) => scriptSrc.includes(hash))).toBe(true);
  });

  it("puts nosniff on the demo's scripts too", async () => {
    const res = await app.inject('/demo/assets/app.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('leaves the JSON API alone (the headers are scoped to the HTML and JavaScript routes)', async () => {
    const res = await app.inject('/healthz');
    expect(res.headers['content-security-policy']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  const built = fileURLToPath(new URL('../../../demo/dist/tag.html', import.meta.url));
  it.skipIf(!existsSync(built))('covers every inline script of the built demo pages by hash', async () => {
    const config = loadConfig({ TRACKLET_DB: await testDb(`${dir.path}/built.db`), TRACKLET_ADMIN_TOKEN: 'x' });
    const store = await openStore(config);
    const account = await createAccountWithKeys(store, { name: 'demo' });
    const real = await buildApp(config, {
      store,
      logger: false,
      demo: { accountId: account.id, publishableKey: account.keys.publishable },
    });
    try {
      for (const url of ['/demo/tag.html', '/demo/']) {
        const res = await real.inject(url);
        const csp = String(res.headers['content-security-policy']);
        for (const hash of inlineHashes([res.body], 'script')) expect(csp, url).toContain(hash);
        for (const hash of inlineHashes([res.body], 'style')) expect(csp, url).toContain(hash);
      }
    } finally {
      await real.close();
    }
  });
});
