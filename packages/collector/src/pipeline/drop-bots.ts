import type { ItemResult } from '@tracklet/protocol';
import type { PipelineDeps } from './context.js';
import type { UserAgentInfo } from './enrich-user-agent.js';

/**
 * A beacon whose user agent isbot flags is dropped whole: every result is discarded with reason "bot", counted
 * in /metrics (API.md "Browser beacons"). Returns null for a human visitor.
 */
export function dropBots(deps: PipelineDeps, userAgent: UserAgentInfo, count: number): ItemResult[] | null {
  if (!userAgent.bot) return null;
  deps.metrics.discarded.inc({ reason: 'bot' }, count);
  return Array.from({ length: count }, (_, index) => ({ index, status: 'discarded', reason: 'bot' }));
}
