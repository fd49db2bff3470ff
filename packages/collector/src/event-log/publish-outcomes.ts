import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyBaseLogger } from 'fastify';
import type { ItemResult, StoredEvent } from '@tracklet/protocol';
import { orderIdOf } from '../pipeline/check-event-rules.js';
import { loggableError } from '../logger.js';
import type { Store } from '../store/store.js';
import {
  encodeOutcomes,
  keySubjectOf,
  type LogMessage,
  type LogOutcome,
  messageIdOf,
  outcomesPerMessage,
} from './messages.js';

/** A committed message and what the pipeline made of it. */
export interface Written {
  message: LogMessage;
  result: ItemResult;
}

/**
 * The outcome the accepting collector answers with. A `duplicate` of the message's own id is this very message
 * delivered again after a crash: for the client it is the first time, so `created`.
 */
function outcomeOf({ message: { event }, result }: Written, stored: Map<number, StoredEvent>): LogOutcome {
  const id = event.id;
  if (result.status === 'discarded') {
    return {
      id,
      status: 'discarded',
      reason: result.reason ?? 'throttled',
      ...(result.reason === 'duplicate_order' ? { orderId: orderIdOf(event) } : {}),
    };
  }
  if (result.status === 'rejected' || result.id === undefined)
    return { id, status: 'rejected', errors: result.errors ?? [] };
  const status = result.status === 'duplicate' && result.id !== id ? 'duplicate' : 'created';
  const full = stored.get(result.id);
  return { id, status, eventId: result.id, ...(full ? { event: full } : {}) };
}

/**
 * Tells each waiting collector its events' outcomes (core NATS, to the message's reply subject), after COMMIT, and
 * announces those with an idempotency key on their key's subject too, for repeats JetStream absorbed. Single
 * server-API events get the stored event, read in one query; if that read fails they get nothing, and their
 * collectors answer 202 accepted when their wait ends (the events are stored all the same).
 */
export async function publishOutcomes(
  store: Store,
  nc: NatsConnection,
  written: Written[],
  log: FastifyBaseLogger,
): Promise<void> {
  const waited = written.filter((w) => w.message.reply !== null);
  if (waited.length === 0) return;
  const wantsEvent = (w: Written) => w.message.full && w.result.id !== undefined;
  const wanted = waited.filter(wantsEvent).map((w) => w.result.id as number);
  let stored = new Map<number, StoredEvent>();
  let answerable = waited;
  try {
    stored = new Map((await store.getEventsByIds(wanted)).map((e) => [e.id, e]));
  } catch (error) {
    log.warn({ err: loggableError(error) }, 'event log: could not read the stored events for their outcomes');
    answerable = waited.filter((w) => !wantsEvent(w));
  }
  const bySubject = new Map<string, LogOutcome[]>();
  for (const w of answerable) {
    const outcome = outcomeOf(w, stored);
    const outcomes = bySubject.get(w.message.reply as string) ?? [];
    outcomes.push(outcome);
    bySubject.set(w.message.reply as string, outcomes);
    if (w.message.event.idempotencyKey !== null)
      nc.publish(keySubjectOf(messageIdOf(w.message.event)), encodeOutcomes([outcome]));
  }
  for (const [subject, outcomes] of bySubject) {
    for (let i = 0; i < outcomes.length; i += outcomesPerMessage) {
      nc.publish(subject, encodeOutcomes(outcomes.slice(i, i + outcomesPerMessage)));
    }
  }
}
