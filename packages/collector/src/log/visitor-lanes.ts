import type { PendingEvent } from '../pipeline/context.js';

/** Lanes a writer batch is split into: the PostgreSQL store writes on several connections at once. */
export const lanes = 4;

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
export function splitByVisitor<T>(items: T[], eventOf: (item: T) => PendingEvent): T[][] {
  const split: T[][] = Array.from({ length: lanes }, () => []);
  for (const item of items) split[hashOf(visitorOf(eventOf(item))) % lanes]?.push(item);
  return split.filter((lane) => lane.length > 0);
}
