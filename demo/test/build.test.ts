import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createLogger } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the demo build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'tracklet-demo-build-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('prints no warning, and leaves the tag page loading /t.js as a customer page would (issue #16)', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn');
    logger.warn = (message) => void warnings.push(message);
    logger.warnOnce = logger.warn;
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      customLogger: logger,
      build: { outDir, emptyOutDir: true },
    });
    expect(warnings).toEqual([]);
    const tag = readFileSync(join(outDir, 'tag.html'), 'utf8');
    expect(tag).toMatch(/<script async src="\/t\.js" data-key="__TRACKLET_KEY__"\s*><\/script>/);
  }, 60_000);
});
