import type { ItemResult } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { PendingEvent, PipelineDeps } from '../pipeline/context.js';
import type { BatchItem } from '../pipeline/index.js';
import { rejectedItem } from './accept-events.js';
import type { EventLog } from './event-log.js';
import { withId } from './publish-and-wait.js';

/**
 * The id of the event a duplicate repeats: from its message while the stream holds it, else from the store (a
 * message leaves the stream only after its commit). None when the original was discarded or rejected.
 */
async function originalId(
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

/**
 * `POST /v1/collect` in log mode: each valid event is published, and the beacon is answered once JetStream acked
 * them: `accepted` with the id it will be stored with, or `duplicate` when JetStream already had it (a retried
 * beacon; with the original's id). Nobody waits for the writer: the events become readable when it commits them. When the log did not
 * take an event, `storeFailure` is set and the beacon answers 503 whole (the tracker retries it; what was taken
 * comes back `duplicate`).
 */
export async function acceptBeacon(deps: PipelineDeps, log: EventLog, items: BatchItem[]) {
  let storeFailure: TrackletError | null = null;
  const results = await Promise.all(
    items.map(async (item, index): Promise<ItemResult> => {
      if ('errors' in item) return rejectedItem(deps, index, item.errors);
      const event = withId(deps, item);
      try {
        const ack = await log.publish(event, null);
        return ack.duplicate
          ? { index, status: 'duplicate', ...(await originalId(deps, log, event, ack.seq)) }
          : { index, status: 'accepted', id: event.id };
      } catch (error) {
        if (!(error instanceof TrackletError)) throw error;
        storeFailure = error;
        return rejectedItem(deps, index, error.toApiErrors());
      }
    }),
  );
  return { results, storeFailure: storeFailure as TrackletError | null };
}
