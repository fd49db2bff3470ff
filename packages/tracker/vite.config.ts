import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two builds from one source: `vite build --mode tag` → dist/t.js (IIFE for the script tag),
 * `vite build --mode esm` → dist/index.js (the npm entry). Flags are the __FEAT_*__ of src/flags.d.ts.
 */
export default defineConfig(({ mode }) => {
  const tag = mode == 'tag';
  return {
    define: { __FEAT_CHECKS__: String(!tag) },
    resolve: { alias: { '@tracklet/protocol': here('../protocol/src/index.ts') } },
    build: {
      outDir: here('dist'),
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: tag
        ? { entry: here('src/tag.ts'), formats: ['iife'], name: 'tracklet', fileName: () => 't.js' }
        : { entry: here('src/index.ts'), formats: ['es'], fileName: () => 'index.js' },
    },
  };
});
