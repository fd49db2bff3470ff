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
      lib: tag
        ? { entry: here('src/tag.ts'), formats: ['iife'], name: 'tracklet', fileName: () => 't.js' }
        : { entry: here('src/index.ts'), formats: ['es'], fileName: () => 'index.js' },
    },
  };
});
