import type { FastifyBaseLogger } from 'fastify';
import type { CollectorConfig } from '../config.js';
import type { PipelineDeps } from '../pipeline/context.js';
import { connectToLog } from './nats-connection.js';
import { type LogWriter, startLogWriter } from './writer.js';

/** A log writer inside a collector process, on its own NATS connection and the collector's store (tests). */
export async function startInProcessWriter(
  config: CollectorConfig,
  deps: PipelineDeps,
  log: FastifyBaseLogger,
): Promise<LogWriter> {
  if (!config.log) throw new Error('a log writer needs TRACKLET_LOG');
  const nc = await connectToLog(config.log.servers, 'tracklet-writer');
  const writer = await startLogWriter({ config: config.log, deps, nc, log }).catch(async (error) => {
    await nc.close();
    throw error;
  });
  return {
    get written() {
      return writer.written;
    },
    get held() {
      return writer.held;
    },
    get redelivered() {
      return writer.redelivered;
    },
    ready: () => writer.ready(),
    stop: async () => {
      await writer.stop();
      await nc.drain().catch(() => nc.close());
    },
  };
}
