import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** Where `npm run dev` forwards API calls, /t.js and the demo API: a collector started with `npm start`. */
const collector = process.env.TRACKLET_COLLECTOR ?? 'http://127.0.0.1:8787';

export default defineConfig({
  base: '/demo/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { index: here('index.html'), tag: here('tag.html') } },
  },
  server: {
    proxy: { '/v1': collector, '/t.js': collector, '/demo/api': collector },
  },
});
