import type { FastifyBaseLogger } from 'fastify';
import type { CollectorConfig } from '../config.js';
import type { PipelineDeps } from '../pipeline/context.js';
import { type EventLog, openEventLog } from './event-log.js';
import { startInProcessWriter } from './in-process-writer.js';

/** A collector's log mode (TRACKLET_LOG): its event log, and a log writer when it runs one in its process. */
export interface LogMode {
  log: EventLog;
  /** Stops the writer (finishing its batch), then closes the log. */
  close(): Promise<void>;
}

export async function openLogMode(
  config: CollectorConfig,
  deps: PipelineDeps,
  logger: FastifyBaseLogger,
  withWriter: boolean,
): Promise<LogMode | null> {
  if (!config.log) return null;
  const log = await openEventLog(config.log);
  const writer = withWriter
    ? await startInProcessWriter(config, deps, logger).catch(async (error) => {
        await log.close();
        throw error;
      })
    : null;
  return {
    log,
    close: async () => {
      await writer?.stop();
      await log.close();
    },
  };
}
