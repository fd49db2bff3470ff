import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Where `npm run dev` forwards API calls: a collector started with `npm start`. */
const collector = process.env.TRACKLET_COLLECTOR ?? 'http://127.0.0.1:8787';

/** The dashboard (issue #19), served by the collector at /dashboard/ (and /dashboard/s/<token> for share links). */
export default defineConfig({
  base: '/dashboard/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)) } },
  },
  server: { proxy: { '/v1': collector } },
});
