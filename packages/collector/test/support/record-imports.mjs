// Preloaded into a collector process (NODE_OPTIONS=--import): every module it resolves is appended to the file
// TRACKLET_TEST_IMPORTS_FILE names (optional-drivers.test.ts). The hooks run on a thread of their own, hence the file.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), {
  data: { file: process.env.TRACKLET_TEST_IMPORTS_FILE },
});
