import type { ApiError, ItemResult } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { DeclaredWork, StoreTx } from '../store/store.js';
import { checkSchema, saveSchema } from './apply-schema.js';
import { checkIdempotency } from './check-idempotency.js';
import { Discarded, type Outcome, type PendingEvent, type PipelineDeps } from './context.js';
import { dedupeOrder } from './dedupe-order.js';
import { footprintOf } from './footprint.js';
import { persistEvent } from './persist-event.js';
import { queueWebhooks } from './queue-webhooks.js';
import { resolveContact } from './resolve-contact.js';
import { throttleEmailOpen } from './throttle-email-open.js';
import { updateContact } from './update-contact.js';

/**
 * The stateful half of the pipeline for one event, in the writer's transaction: replay → order dedup → schema
 * check → contact (and login merge) → email_open throttle → schema, contact attributes and touches → insert →
 * webhooks' outbox rows.
 * Every step that can refuse the event runs before the first write, so a refused event leaves nothing behind
 * without a savepoint of its own; only the throttle needs the contact first, so an `email_open` gets one.
 * Throws a TrackletError (4xx) when the event is refused; anything else is the store's failure.
 */
async function ingestInTx(deps: PipelineDeps, tx: StoreTx, e: PendingEvent): Promise<Outcome> {
  const replayed = await checkIdempotency(tx, e);
  if (replayed) return { status: 'duplicate', event: replayed };
  try {
    await dedupeOrder(tx, e);
    const schema = await checkSchema(tx, e);
    const write = async (): Promise<Outcome> => {
      let mergedId: number | null = null;
      const contact = await resolveContact(tx, e, (id) => (mergedId = id));
      await throttleEmailOpen(tx, e, contact);
      await saveSchema(tx, schema);
      await updateContact(tx, e, contact);
      const stored = await persistEvent(tx, e, contact, deps.ids);
      await queueWebhooks(tx, deps.webhookEndpoints, stored, contact, mergedId);
      return { status: 'created', event: stored };
    };
    return await (e.event === 'email_open' ? tx.inSavepoint(write) : write());
  } catch (error) {
    if (!(error instanceof Discarded)) throw error;
    return {
      status: 'discarded',
      reason: error.reason,
      event: e.event,
      ...(error.orderId ? { order_id: error.orderId } : {}),
    };
  }
}

/**
 * A unit of the events of one request, declaring what they will lock and look up. ingestInTx refuses an event only
 * before its first write, as Store.write asks of a unit.
 */
const unitOf = <T>(events: PendingEvent[], run: (tx: StoreTx) => Promise<T>): DeclaredWork<T> => ({
  run,
  footprint: () => footprintOf(events),
});

/** Counts an outcome and tells the demo's listener of a discard, once its transaction committed. */
function report(deps: PipelineDeps, e: PendingEvent, outcome: Outcome): void {
  if (outcome.status === 'discarded') {
    deps.metrics.discarded.inc({ reason: outcome.reason });
    deps.onDiscard?.(e.accountId, e.event, outcome.reason);
  } else if (outcome.status === 'created') deps.metrics.accepted.inc({ source: e.source });
  else deps.metrics.duplicates.inc();
}

/** Ingests one event; resolves only after the transaction committed durably. */
export async function ingestEvent(deps: PipelineDeps, e: PendingEvent): Promise<Outcome> {
  const outcome = await deps.store.write(unitOf([e], (tx) => ingestInTx(deps, tx, e)));
  report(deps, e, outcome);
  return outcome;
}

/** One item of a batch or beacon: an event ready for the writer, or the errors that already rejected it. */
export type BatchItem = PendingEvent | { errors: ApiError[] };

/** What happened to each event of a request: its outcome, or the errors that refused it. */
export type ItemOutcome = Outcome | { status: 'rejected'; errors: ApiError[] };

const isRefusal = (error: unknown): error is TrackletError => error instanceof TrackletError && error.status < 500;

/**
 * Ingests the events of one request (a beacon, a batch, a writer's batch from the log) as **one unit of work**: one
 * savepoint in the group commit instead of one per event, the events in order (so a later one sees the earlier
 * ones' writes: the same idempotency key twice is a duplicate, the same visitor resolves to one contact). One
 * refused event never refuses the others. When the store fails, nothing of the request is stored and the error is
 * thrown (a 503 TrackletError the client retries).
 */
export async function ingestOutcomes(deps: PipelineDeps, events: PendingEvent[]): Promise<ItemOutcome[]> {
  if (events.length === 0) return [];
  const outcomes = await deps.store.write(
    unitOf(events, async (tx) => {
      const done: ItemOutcome[] = [];
      for (const e of events) {
        try {
          done.push(await ingestInTx(deps, tx, e));
        } catch (error) {
          if (!isRefusal(error)) throw error;
          done.push({ status: 'rejected', errors: error.toApiErrors() });
        }
      }
      return done;
    }),
  );
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') countRejected(deps, outcome.errors);
    else report(deps, events[i] as PendingEvent, outcome);
  });
  return outcomes;
}

/**
 * A beacon's or batch's items as per-item results. When the store failed, `storeFailure` holds its error and every
 * item that reached the writer is rejected with it, so the caller can answer 503 instead.
 */
export async function ingestMany(
  deps: PipelineDeps,
  items: BatchItem[],
): Promise<{ results: ItemResult[]; storeFailure: TrackletError | null }> {
  const pending = items.filter((item): item is PendingEvent => !('errors' in item));
  let outcomes: ItemOutcome[];
  let storeFailure: TrackletError | null = null;
  try {
    outcomes = await ingestOutcomes(deps, pending);
  } catch (error) {
    if (!(error instanceof TrackletError)) throw error;
    storeFailure = error;
    outcomes = pending.map(() => ({ status: 'rejected', errors: error.toApiErrors() }));
    for (const _ of pending) countRejected(deps, error.toApiErrors());
  }
  let next = 0;
  const results = items.map((item, index): ItemResult => {
    if ('errors' in item) {
      countRejected(deps, item.errors);
      return { index, status: 'rejected', errors: item.errors };
    }
    const outcome = outcomes[next++] as ItemOutcome;
    if (outcome.status === 'rejected') return { index, status: 'rejected', errors: outcome.errors };
    if (outcome.status === 'discarded') return { index, status: 'discarded', reason: outcome.reason };
    return { index, status: outcome.status, id: outcome.event.id };
  });
  return { results, storeFailure };
}

function countRejected(deps: PipelineDeps, errors: ApiError[]): void {
  deps.metrics.rejected.inc({ code: errors[0]?.code ?? 'invalid_body' });
}
