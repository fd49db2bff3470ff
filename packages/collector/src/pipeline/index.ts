import type { ApiError, ItemResult } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { applySchema } from './apply-schema.js';
import { checkIdempotency } from './check-idempotency.js';
import { Discarded, type Outcome, type PendingEvent, type PipelineDeps } from './context.js';
import { dedupeOrder } from './dedupe-order.js';
import { persistEvent } from './persist-event.js';
import { resolveContact } from './resolve-contact.js';
import { throttleEmailOpen } from './throttle-email-open.js';
import { updateContact } from './update-contact.js';

/**
 * The stateful half of the pipeline, in the writer's transaction: replay → order dedup → contact (and login
 * merge) → email_open throttle → schema → contact attributes and touches → insert. It resolves only after the
 * transaction committed durably. (The stateless half — parse, authenticate, enrich, rules — ran in the route.)
 */
export async function ingestEvent(deps: PipelineDeps, e: PendingEvent): Promise<Outcome> {
  try {
    const outcome = await deps.store.write<Outcome>(async (tx) => {
      const replayed = await checkIdempotency(tx, e);
      if (replayed) return { status: 'duplicate', event: replayed };
      await dedupeOrder(tx, e);
      const contact = await resolveContact(tx, e);
      await throttleEmailOpen(tx, e, contact);
      await applySchema(tx, e);
      await updateContact(tx, e, contact);
      return { status: 'created', event: await persistEvent(tx, e, contact, deps.ids) };
    });
    if (outcome.status === 'created') deps.metrics.accepted.inc({ source: e.source });
    else deps.metrics.duplicates.inc();
    return outcome;
  } catch (error) {
    if (!(error instanceof Discarded)) throw error;
    deps.metrics.discarded.inc({ reason: error.reason });
    deps.onDiscard?.(e.accountId, e.event, error.reason);
    return { status: 'discarded', reason: error.reason, event: e.event, ...(error.orderId ? { order_id: error.orderId } : {}) };
  }
}

/** One item of a batch or beacon: an event ready for the writer, or the errors that already rejected it. */
export type BatchItem = PendingEvent | { errors: ApiError[] };

const isStoreFailure = (e: unknown) => e instanceof TrackletError && e.status === 503;

/**
 * Ingests many events at once; they share group commits, and one bad item never rejects the others. When the
 * store failed for an item, `storeFailure` holds that error so the caller can answer 503 instead.
 */
export async function ingestMany(deps: PipelineDeps, items: BatchItem[]): Promise<{ results: ItemResult[]; storeFailure: TrackletError | null }> {
  let storeFailure: TrackletError | null = null;
  const results = await Promise.all(items.map(async (item, index): Promise<ItemResult> => {
    if ('errors' in item) return rejected(deps, index, item.errors);
    try {
      const outcome = await ingestEvent(deps, item);
      if (outcome.status === 'discarded') return { index, status: 'discarded', reason: outcome.reason };
      return { index, status: outcome.status, id: outcome.event.id };
    } catch (error) {
      if (!(error instanceof TrackletError)) throw error;
      if (isStoreFailure(error)) storeFailure = error;
      return rejected(deps, index, error.toApiErrors());
    }
  }));
  return { results, storeFailure };
}

function rejected(deps: PipelineDeps, index: number, errors: ApiError[]): ItemResult {
  deps.metrics.rejected.inc({ code: errors[0]?.code ?? 'invalid_body' });
  return { index, status: 'rejected', errors };
}
