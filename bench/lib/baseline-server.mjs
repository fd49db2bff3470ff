import { collectorRequire } from './collector-deps.mjs';

/**
 * The baseline: a bare Fastify 5 server (the collector's own Fastify) that answers the beacon POST with 200 and a
 * small JSON body, doing nothing else. Run as its own process by the bench; prints its address once listening.
 */
const Fastify = collectorRequire('fastify');
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
const answer = { results: [{ index: 0, status: 'created' }] };
app.post('/v1/collect', async () => answer);
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`baseline listening on ${address}\n`);
const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
