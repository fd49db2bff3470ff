import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyBaseLogger } from 'fastify';
import type { ItemResult } from '@tracklet/protocol';
import { loggableError } from '../logger.js';
import type { PendingEvent, PipelineDeps } from '../pipeline/context.js';
import { ingestMany } from '../pipeline/index.js';
import { decodeLogMessage, type LogMessage } from './messages.js';
import { publishOutcomes } from './publish-outcomes.js';

/** A message the writer will ingest, with its decoded content. */
export interface Delivery {
  msg: JsMsg;
  message: LogMessage;
}

/** How long a message waits before it is delivered again after the store failed (PostgreSQL down or overloaded). */
export const retryDelayMs = 1000;
/** A message that keeps failing with an error that is not the store's is given up after this many deliveries. */
const maxDeliveriesOfBrokenMessage = 5;

const isStoreFailure = (result: ItemResult) =>
  result.status === 'rejected' &&
  (result.errors ?? []).some((e) => e.code === 'store_unavailable' || e.code === 'store_overloaded');

/** Lanes a writer batch is split into: the PostgreSQL store writes on several connections at once. */
const lanes = 4;

/** The visitor an event belongs to, as the store's unit affinity names it (pipeline/index.ts). */
const visitorOf = (e: PendingEvent) =>
  `${e.accountId}:${e.anonymousId ?? e.identity.email ?? e.identity.external_id ?? e.identity.phone ?? e.identity.contact_id ?? ''}`;

function hashOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(hash);
}

/**
 * Splits items into lanes by visitor, keeping their order within a lane: one visitor's events run in order, in one
 * unit of work, while other visitors' run beside them (what two writers do anyway).
 */
function splitByVisitor<T>(items: T[], eventOf: (item: T) => PendingEvent): T[][] {
  const split: T[][] = Array.from({ length: lanes }, () => []);
  for (const item of items) split[hashOf(visitorOf(eventOf(item))) % lanes]?.push(item);
  return split.filter((lane) => lane.length > 0);
}

/** Decodes; a message this writer cannot read is logged and acked, so it never blocks the stream. */
function decode(msgs: JsMsg[], log: FastifyBaseLogger): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const msg of msgs) {
    const message = decodeLogMessage(msg.data);
    if (message) deliveries.push({ msg, message });
    else {
      log.error(
        { seq: msg.seq, subject: msg.subject, bytes: msg.data.length },
        'event log: undecodable message acked and skipped',
      );
      msg.ack();
    }
  }
  return deliveries;
}

/** ingestMany threw for a batch (not a contract error): its messages are written again one by one. */
class SplitBatch extends Error {}

/** Ingests deliveries together (they share the store's group-committed transactions). */
async function ingest(
  deps: PipelineDeps,
  deliveries: Delivery[],
  log: FastifyBaseLogger,
): Promise<(ItemResult | 'retry')[]> {
  try {
    return (
      await ingestMany(
        deps,
        deliveries.map((d) => d.message.event),
      )
    ).results;
  } catch (error) {
    if (deliveries.length > 1) throw new SplitBatch();
    const [{ msg }] = deliveries as [Delivery];
    if (msg.info.deliveryCount < maxDeliveriesOfBrokenMessage) {
      log.warn({ err: loggableError(error), seq: msg.seq }, 'event log: message failed; it will be delivered again');
      return ['retry'];
    }
    log.error(
      { err: loggableError(error), seq: msg.seq },
      'event log: message failed on every delivery; acked and skipped',
    );
    return [{ index: 0, status: 'rejected', errors: [{ code: 'internal_error', message: 'Internal error' }] }];
  }
}

/**
 * One writer batch (issue #8): the messages' events go through the stateful pipeline (`ingestMany`), one unit of
 * work per lane of visitors (splitByVisitor) so the store writes them on several connections; then each waiting
 * collector hears its outcomes, then the messages are acked — all after COMMIT. Redelivery stores nothing twice: an event whose preassigned id is already stored was
 * committed by an earlier delivery and is not run again (its contact changes were committed with it); events with
 * an idempotency key are caught by the pipeline's own check as well. When the store fails, the messages are nak'ed
 * with a delay and come back; nothing is acked that was not committed.
 */
export async function writeBatch(
  deps: PipelineDeps,
  nc: NatsConnection,
  msgs: JsMsg[],
  log: FastifyBaseLogger,
): Promise<number> {
  const deliveries = decode(msgs, log);
  try {
    return await writeDeliveries(deps, nc, deliveries, log);
  } catch (error) {
    if (!(error instanceof SplitBatch)) throw error;
    // What did commit is found stored by each message's own check; the one that throws is isolated.
    let acked = 0;
    for (const delivery of deliveries) acked += await writeDeliveries(deps, nc, [delivery], log);
    return acked;
  }
}

/** The ids among these that are stored already, or null when the store cannot say (it is down). */
async function storedIds(deps: PipelineDeps, ids: number[], log: FastifyBaseLogger): Promise<Set<number> | null> {
  try {
    return new Set(ids.length === 0 ? [] : (await deps.store.getEventsByIds(ids)).map((e) => e.id));
  } catch (error) {
    log.warn({ err: loggableError(error) }, 'event log: the store is not reachable; messages will be delivered again');
    return null;
  }
}

/** Resolves with how many messages were committed and acked (the others were nak'ed). */
async function writeDeliveries(
  deps: PipelineDeps,
  nc: NatsConnection,
  deliveries: Delivery[],
  log: FastifyBaseLogger,
): Promise<number> {
  const idOf = (d: Delivery) => d.message.event.id;
  const stored = await storedIds(deps, deliveries.map(idOf), log);
  if (!stored) {
    for (const { msg } of deliveries) msg.nak(retryDelayMs);
    return 0;
  }
  // One run per event id: a message delivered again next to its first delivery, in the same batch, runs once.
  const runs = new Map<number, Delivery>();
  for (const d of deliveries) if (!stored.has(idOf(d)) && !runs.has(idOf(d))) runs.set(idOf(d), d);
  const results = new Map<number, ItemResult | 'retry'>();
  const lanes = await Promise.allSettled(
    splitByVisitor([...runs.values()], (d) => d.message.event).map(async (lane) => {
      (await ingest(deps, lane, log)).forEach((result, i) => results.set(idOf(lane[i] as Delivery), result));
    }),
  );
  // Only once every lane is done: the messages are then written again one by one.
  const broken = lanes.find((lane) => lane.status === 'rejected');
  if (broken) throw broken.reason;

  // A unit that lost a race for its own id (the same message on two writers after an ack timeout) ends as a 503 after
  // its re-runs: when the id is stored by now, it was committed once, by the other delivery.
  const failed = [...runs.keys()].filter((id) => {
    const r = results.get(id);
    return r === 'retry' || isStoreFailure(r as ItemResult);
  });
  for (const id of (await storedIds(deps, failed, log)) ?? []) results.set(id, { index: 0, status: 'created', id });
  for (const id of stored) results.set(id, { index: 0, status: 'created', id });
  const done: Delivery[] = [];
  for (const delivery of deliveries) {
    const result = results.get(idOf(delivery));
    if (result === 'retry' || result === undefined || isStoreFailure(result)) delivery.msg.nak(retryDelayMs);
    else done.push(delivery);
  }
  await publishOutcomes(
    deps.store,
    nc,
    done.map((d) => ({ message: d.message, result: results.get(idOf(d)) as ItemResult })),
    log,
  );
  for (const { msg } of done) msg.ack();
  return done.length;
}
