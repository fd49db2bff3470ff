import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Three builds from one source (flags: the __FEAT_*__ of src/flags.d.ts):
 * `vite build --mode tag` → dist/t.js, the core script tag (IIFE, ≤ 3,072 B gzip);
 * `vite build --mode full` → dist/t.full.js, the script tag with the automatic events of issue #22;
 * `vite build --mode esm` → dist/index.js, the npm entry (everything, with the misuse checks).
 */
export default defineConfig(({ mode }) => {
  const script = mode != 'esm';
  return {
    define: { __FEAT_CHECKS__: String(!script), __FEAT_AUTO__: String(mode != 'tag') },
    // `@tracklet/protocol/limits` (plain constants) is the one runtime import; the rest are types.
    resolve: {
      alias: [
        { find: /^@tracklet\/protocol\/(\w+)$/, replacement: here('../protocol/src/$1.ts') },
        { find: '@tracklet/protocol', replacement: here('../protocol/src/index.ts') },
      ],
    },
    build: {
      outDir: here('dist'),
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: script
        ? {
            entry: here('src/tag.ts'),
            formats: ['iife'],
            name: 'tracklet',
            fileName: () => (mode == 'tag' ? 't.js' : 't.full.js'),
          }
        : { entry: here('src/index.ts'), formats: ['es'], fileName: () => 'index.js' },
    },
  };
});
