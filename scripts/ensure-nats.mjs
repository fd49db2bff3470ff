#!/usr/bin/env node
// The cluster tests and `npm run cluster` run real NATS JetStream servers (issue #8): Debian's nats-server package.
// Install it when it is missing and we are root; otherwise say how, and fail.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [
  process.env.NATS_SERVER,
  '/usr/sbin/nats-server',
  '/usr/bin/nats-server',
  '/usr/local/bin/nats-server',
];
if (!candidates.some((path) => path && existsSync(path))) {
  if (process.getuid?.() !== 0) {
    console.error(
      'nats-server is missing. Install it with: sudo apt-get install -y nats-server (or set NATS_SERVER to its path).',
    );
    process.exit(1);
  }
  console.log('Installing Debian nats-server for the cluster tests…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server', {
    stdio: 'inherit',
  });
}
