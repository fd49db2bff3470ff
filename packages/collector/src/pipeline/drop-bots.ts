import type { ItemResult } from '@tracklet/protocol';
import type { PipelineDeps } from './context.js';
import type { UserAgentInfo } from './enrich-user-agent.js';

/**
 * A beacon whose user agent isbot flags is dropped whole: every result is discarded with reason "bot", counted
 * in /metrics (API.md "Browser beacons"). Returns null for a human visitor.
 */
export function dropBots(
  deps: PipelineDeps,
  userAgent: UserAgentInfo,
  accountId: number,
  events: unknown[],
): ItemResult[] | null {
  if (!userAgent.bot) return null;
  deps.metrics.discarded.inc({ reason: 'bot' }, events.length);
  return events.map((raw, index) => {
    const name = (raw as { event?: unknown } | null)?.event;
    deps.onDiscard?.(accountId, typeof name === 'string' ? name.slice(0, 64) : '?', 'bot');
    return { index, status: 'discarded', reason: 'bot' };
  });
}
