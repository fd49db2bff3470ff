import type { ApiError, ItemResult } from '@tracklet/protocol';
import { errorList, TrackletError } from '../errors.js';
import type { Outcome, PendingEvent, PipelineDeps } from '../pipeline/context.js';
import type { BatchItem } from '../pipeline/index.js';
import type { EventLog } from './event-log.js';
import type { LogOutcome } from './log-outcome.js';
import { publishAndWait, withId } from './publish-and-wait.js';

/** 202: the event is durable in the log and will be written; `GET /v1/events/status?idempotency_key=` tells when. */
export interface Accepted {
  status: 'accepted';
  /** The id it will be stored with (absent when it repeats a request still being written, whose id wins). */
  id?: number;
  idempotency_key: string | null;
}

/** `POST /v1/events` in log mode: the same answers as the single-node collector once the writer committed, else 202. */
export async function acceptEvent(
  deps: PipelineDeps,
  log: EventLog,
  pending: PendingEvent,
): Promise<Outcome | Accepted> {
  const event = withId(deps, pending);
  const { outcome, duplicate } = await publishAndWait(deps, log, event, true);
  if (!outcome || ((outcome.status === 'created' || outcome.status === 'duplicate') && !outcome.event)) {
    return { status: 'accepted', ...(duplicate ? {} : { id: event.id }), idempotency_key: event.idempotencyKey };
  }
  if (outcome.status === 'rejected') throw errorList(outcome.errors);
  if (outcome.status === 'discarded') {
    return {
      status: 'discarded',
      reason: outcome.reason,
      event: event.event,
      ...(outcome.orderId ? { order_id: outcome.orderId } : {}),
    };
  }
  return { status: outcome.status, event: outcome.event! };
}

function itemResultOf(index: number, outcome: LogOutcome | null, id: number | null): ItemResult {
  if (!outcome) return { index, status: 'accepted', ...(id === null ? {} : { id }) };
  if (outcome.status === 'rejected') return { index, status: 'rejected', errors: outcome.errors };
  if (outcome.status === 'discarded') return { index, status: 'discarded', reason: outcome.reason };
  return { index, status: outcome.status, id: outcome.eventId };
}

/** An item the stateless steps refused, counted as the single-node collector counts it. */
export function rejectedItem(deps: PipelineDeps, index: number, errors: ApiError[]): ItemResult {
  deps.metrics.rejected.inc({ code: errors[0]?.code ?? 'invalid_body' });
  return { index, status: 'rejected', errors };
}

/**
 * `POST /v1/events/batch` in log mode: every item is published and waited for at once; an item whose outcome did
 * not come in time is `accepted`. Items the log could not take are `rejected` with store_unavailable (`storeFailure`
 * set, so a batch of which nothing was taken answers 503, as on a single node).
 */
export async function acceptBatch(deps: PipelineDeps, log: EventLog, items: BatchItem[]) {
  let storeFailure: TrackletError | null = null;
  const results = await Promise.all(
    items.map(async (item, index): Promise<ItemResult> => {
      if ('errors' in item) return rejectedItem(deps, index, item.errors);
      const event = withId(deps, item);
      try {
        const { outcome, duplicate } = await publishAndWait(deps, log, event, false);
        return itemResultOf(index, outcome, duplicate ? null : event.id);
      } catch (error) {
        if (!(error instanceof TrackletError)) throw error;
        if (error.status === 503) storeFailure = error;
        return rejectedItem(deps, index, error.toApiErrors());
      }
    }),
  );
  return { results, storeFailure: storeFailure as TrackletError | null };
}
