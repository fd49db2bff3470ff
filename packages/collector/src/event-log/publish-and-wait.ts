import { TrackletError } from '../errors.js';
import type { PendingEvent, PipelineDeps } from '../pipeline/context.js';
import type { EventLog } from './event-log.js';
import { type LogOutcome, messageIdOf } from './messages.js';

/** The pending event with the id this collector assigns (unique and time-ordered across instances; kept on redelivery). */
export const withId = (deps: PipelineDeps, event: PendingEvent): PendingEvent & { id: number } => ({
  ...event,
  id: deps.ids.next(event.receivedAt),
});

/**
 * Publishes a server-API event and waits up to TRACKLET_LOG_WAIT_MS for the writer's outcome (null: the time ran
 * out; the event is durable in the log and will be written). A publish JetStream absorbed as a duplicate is
 * answered as a repeat of the original (resolveDuplicate, below). Throws 503 store_unavailable when the log did not take it.
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

/** How often a waiting repeat looks at the store and the stream again, in case it missed the announcement. */
const recheckMs = 500;

/** The stored event under the key, as the writer would have answered this request (replay, or 409 for another body). */
async function fromStore(deps: PipelineDeps, event: PendingEvent & { id: number }): Promise<LogOutcome | null> {
  const found = await deps.store.findEventByIdempotencyKey(event.accountId, event.idempotencyKey as string);
  if (!found) return null;
  if (found.requestHash === event.requestHash)
    return { id: event.id, status: 'duplicate', eventId: found.event.id, event: found.event };
  const conflict = new TrackletError('idempotency_conflict', 'this idempotency key was used with a different body', {
    path: 'idempotency_key',
  });
  return { id: event.id, status: 'rejected', errors: conflict.toApiErrors() };
}

/** The original's outcome as this repeat's: what it stored is a replay; what it refused, this same body is refused. */
async function asRepeat(
  deps: PipelineDeps,
  event: PendingEvent & { id: number },
  heard: LogOutcome,
  full: boolean,
): Promise<LogOutcome> {
  if (heard.status !== 'created' && heard.status !== 'duplicate') return { ...heard, id: event.id };
  const stored = heard.event ?? (full ? await deps.store.getEvent(event.accountId, heard.eventId) : null);
  return { id: event.id, status: 'duplicate', eventId: heard.eventId, ...(stored ? { event: stored } : {}) };
}

/**
 * JetStream said duplicate: the same key and body were published within the duplicate window, as message `seq`,
 * whose outcome goes to whoever published it. This request listens for the writer's announcement of that outcome
 * (publish-outcomes.ts) and answers as a repeat of it: the replay of what was stored, or the same refusal. Until
 * it hears, it looks now and then at the store (committed already: replay, or 409 for another body) and at the
 * stream: consumed and nothing stored means the original was discarded or refused before it listened, so the
 * event is published again under a message id of its own and this request waits for its own outcome.
 * Resolves null when TRACKLET_LOG_WAIT_MS ran out (the request answers 202 accepted).
 */
async function resolveDuplicate(
  deps: PipelineDeps,
  log: EventLog,
  event: PendingEvent & { id: number },
  seq: number,
  full: boolean,
): Promise<LogOutcome | null> {
  const deadline = Date.now() + log.config.waitMs;
  const watch = log.watchKey(messageIdOf(event));
  try {
    for (;;) {
      const stored = await fromStore(deps, event);
      if (stored) return stored;
      // Committed before acked: consumed and still not in the store means it was never going to be.
      if ((await log.messageAt(seq).catch(() => undefined)) === null)
        return (await fromStore(deps, event)) ?? publishAgain(log, event, full, deadline);
      const heard = await watch.next(Math.min(recheckMs, deadline - Date.now()));
      if (heard) return asRepeat(deps, event, heard, full);
      if (Date.now() >= deadline) return null;
    }
  } finally {
    watch.close();
  }
}

async function publishAgain(log: EventLog, event: PendingEvent & { id: number }, full: boolean, deadline: number) {
  const expected = log.outcomes.expect(event.id);
  try {
    await log.publishAgain(event, { full });
  } catch (error) {
    expected.cancel();
    throw error;
  }
  return expected.wait(Math.max(0, deadline - Date.now()));
}

/**
 * The id of the event a duplicate beacon event repeats: from its message while the stream holds it, else from the
 * store (a message leaves the stream only after its commit). None when the original was discarded or rejected.
 */
export async function originalIdOf(
  deps: PipelineDeps,
  log: EventLog,
  event: PendingEvent,
  seq: number,
): Promise<{ id?: number }> {
  const held = await log.messageAt(seq).catch(() => undefined);
  if (held) return { id: held.event.id };
  const id = await deps.store
    .findEventIdByIdempotencyKey(event.accountId, event.idempotencyKey as string)
    .catch(() => null);
  return id === null ? {} : { id };
}
