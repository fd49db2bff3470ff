import type { PendingEvent, PipelineDeps } from '../pipeline/context.js';
import type { EventLog } from './event-log.js';
import type { LogOutcome } from './log-outcome.js';
import { resolveDuplicate } from './resolve-duplicate.js';

/** The pending event with the id this collector assigns (unique and time-ordered across instances; kept on redelivery). */
export const withId = (deps: PipelineDeps, event: PendingEvent): PendingEvent & { id: number } => ({
  ...event,
  id: deps.ids.next(event.receivedAt),
});

/**
 * Publishes a server-API event and waits up to TRACKLET_LOG_WAIT_MS for the writer's outcome (null: the time ran
 * out; the event is durable in the log and will be written). A publish JetStream absorbed as a duplicate is
 * answered from the store (resolve-duplicate.ts). Throws 503 store_unavailable when the log did not take it.
 */
export async function publishAndWait(
  deps: PipelineDeps,
  log: EventLog,
  event: PendingEvent & { id: number },
  full: boolean,
): Promise<{ outcome: LogOutcome | null; duplicate: boolean }> {
  const expected = log.outcomes.expect(event.id);
  let ack;
  try {
    ack = await log.publish(event, { full });
  } catch (error) {
    expected.cancel();
    throw error;
  }
  if (!ack.duplicate) return { outcome: await expected.wait(log.config.waitMs), duplicate: false };
  expected.cancel();
  return { outcome: await resolveDuplicate(deps, log, event, ack.seq, full), duplicate: true };
}
