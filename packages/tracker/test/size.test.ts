// @vitest-environment node
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { budgets, gzipSize } from '../scripts/size.mjs';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const built = () => Object.keys(budgets).every((f) => existsSync(`${pkg}/dist/${f}`));

describe('bundle size', () => {
  if (!built()) {
    try {
      execSync('npm run build', { cwd: pkg, stdio: 'pipe' });
    } catch (e) {
      throw new Error(`could not build the tracker; run "npm run build -w @tracklet/tracker" first\n${e}`, {
        cause: e,
      });
    }
  }

  it('keeps the script-tag build within 3,072 bytes gzip', () => {
    expect(gzipSize('t.js')).toBeLessThanOrEqual(3072);
  });

  it('keeps the full script-tag build (automatic events) within 4,096 bytes gzip', () => {
    expect(gzipSize('t.full.js')).toBeLessThanOrEqual(4096);
  });

  it('keeps the ESM build within 4,608 bytes gzip', () => {
    expect(gzipSize('index.js')).toBeLessThanOrEqual(4608);
  });

  it('leaves the automatic events out of the core tag and puts them in the full tag', async () => {
    const { readFileSync } = await import('node:fs');
    const [core, full] = ['t.js', 't.full.js'].map((f) => readFileSync(`${pkg}/dist/${f}`, 'utf8'));
    for (const marker of ['page_engagement', 'outbound_click', 'file_download', 'data-tracklet-event']) {
      expect(core).not.toContain(marker);
      expect(full).toContain(marker);
    }
  });

  it('ships no zod and no dev-only code in either build', async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of Object.keys(budgets)) {
      const js = readFileSync(`${pkg}/dist/${f}`, 'utf8');
      expect(js).not.toMatch(/zod|__FEAT_|import\s*\(|from\s*["']@tracklet/);
    }
  });
});
