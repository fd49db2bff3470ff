import type { FastifyBaseLogger } from 'fastify';
import type { ApiError, ItemResult } from '@tracklet/protocol';
import { errorList, TrackletError } from '../errors.js';
import type { Accepted, Ingestion, ItemResults } from '../ingestion.js';
import type { Outcome, PendingEvent, PipelineDeps } from '../pipeline/context.js';
import type { BatchItem } from '../pipeline/index.js';
import type { LogConfig } from './event-log-config.js';
import { type EventLog, openEventLog } from './event-log.js';
import type { LogOutcome } from './messages.js';
import { originalIdOf, publishAndWait, withId } from './publish-and-wait.js';
import { startInProcessWriter } from './writer.js';

/** `POST /v1/events` in log mode: the same answers as the single-node collector once the writer committed, else 202. */
async function acceptEvent(deps: PipelineDeps, log: EventLog, pending: PendingEvent): Promise<Outcome | Accepted> {
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
function rejectedItem(deps: PipelineDeps, index: number, errors: ApiError[]): ItemResult {
  deps.metrics.rejected.inc({ code: errors[0]?.code ?? 'invalid_body' });
  return { index, status: 'rejected', errors };
}

/**
 * Publishes every valid item at once and gathers `take`'s results. An item the log could not take is `rejected` with
 * store_unavailable, and `storeFailure` is set when `isFailure` says its error fails the request.
 */
async function acceptItems(
  deps: PipelineDeps,
  items: BatchItem[],
  take: (event: PendingEvent & { id: number }, index: number) => Promise<ItemResult>,
  isFailure: (error: TrackletError) => boolean,
): Promise<ItemResults> {
  let storeFailure: TrackletError | null = null;
  const results = await Promise.all(
    items.map(async (item, index): Promise<ItemResult> => {
      if ('errors' in item) return rejectedItem(deps, index, item.errors);
      try {
        return await take(withId(deps, item), index);
      } catch (error) {
        if (!(error instanceof TrackletError)) throw error;
        if (isFailure(error)) storeFailure = error;
        return rejectedItem(deps, index, error.toApiErrors());
      }
    }),
  );
  return { results, storeFailure: storeFailure as TrackletError | null };
}

/**
 * `POST /v1/events/batch` in log mode: every item is published and waited for at once; an item whose outcome did
 * not come in time is `accepted`. Items the log could not take are `rejected` with store_unavailable (`storeFailure`
 * set, so a batch of which nothing was taken answers 503, as on a single node).
 */
function acceptBatch(deps: PipelineDeps, log: EventLog, items: BatchItem[]): Promise<ItemResults> {
  const take = async (event: PendingEvent & { id: number }, index: number) => {
    const { outcome, duplicate } = await publishAndWait(deps, log, event, false);
    return itemResultOf(index, outcome, duplicate ? null : event.id);
  };
  return acceptItems(deps, items, take, (error) => error.status === 503);
}

/**
 * `POST /v1/collect` in log mode: each valid event is published, and the beacon is answered once JetStream acked
 * them: `accepted` with the id it will be stored with, or `duplicate` when JetStream already had it (a retried
 * beacon; with the original's id). Nobody waits for the writer: the events become readable when it commits them.
 * When the log did not take an event, `storeFailure` is set and the beacon answers 503 whole (the tracker retries
 * it; what was taken comes back `duplicate`).
 */
function acceptBeacon(deps: PipelineDeps, log: EventLog, items: BatchItem[]): Promise<ItemResults> {
  const take = async (event: PendingEvent & { id: number }, index: number): Promise<ItemResult> => {
    const ack = await log.publish(event, null);
    return ack.duplicate
      ? { index, status: 'duplicate', ...(await originalIdOf(deps, log, event, ack.seq)) }
      : { index, status: 'accepted', id: event.id };
  };
  return acceptItems(deps, items, take, () => true);
}

/**
 * Log mode (TRACKLET_LOG): writes are published to the event log and answered from the writers' outcomes.
 * `withWriter` also runs a log writer in this process, on the collector's store (tests; production runs
 * `tracklet writer` apart). Closing stops the writer (finishing its batch), then closes the log.
 */
export async function openLogIngestion(
  config: LogConfig,
  deps: PipelineDeps,
  logger: FastifyBaseLogger,
  withWriter: boolean,
): Promise<Ingestion> {
  const log = await openEventLog(config);
  const writer = withWriter
    ? await startInProcessWriter(config, deps, logger).catch(async (error) => {
        await log.close();
        throw error;
      })
    : null;
  return {
    event: (pending) => acceptEvent(deps, log, pending),
    batch: (items) => acceptBatch(deps, log, items),
    beacon: (items) => acceptBeacon(deps, log, items),
    ready: () =>
      log.ping().catch(() => {
        throw new TrackletError('store_unavailable', 'the event log is not reachable', { retryAfter: 1 });
      }),
    close: async () => {
      await writer?.stop();
      await log.close();
    },
  };
}
