#!/usr/bin/env node
// A committed entry so npm can link the `tracklet` command before the first build; the CLI itself is built.
import('../dist/cli.js').catch((error) => {
  process.stderr.write(
    `tracklet: ${error.code === 'ERR_MODULE_NOT_FOUND' ? 'not built yet: run npm run build' : error.message}\n`,
  );
  process.exit(1);
});
