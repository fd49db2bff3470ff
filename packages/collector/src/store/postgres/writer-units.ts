import type { Footprint, Work } from '../store.js';
import type { PostgresTx } from './postgres-tx.js';

/**
 * A unit as its writer runs it. Its footprint is read ahead with the other units' (TxRunner.prepare); when it was
 * not (the transaction runs again after a conflict, or carefully), it is read at the unit's start. Once a unit ran,
 * the transaction holds its locks: later units only try theirs.
 */
export function unitOf<T>(work: Work<T>): { run: (tx: PostgresTx) => Promise<T>; footprint?: Footprint[] } {
  if (typeof work === 'function') return { run: holdingLocksAfter(work) };
  const footprint = work.footprint();
  return {
    run: holdingLocksAfter(async (tx) => {
      await tx.prepare(footprint);
      return work.run(tx);
    }),
    footprint,
  };
}

const holdingLocksAfter =
  <T>(run: (tx: PostgresTx) => Promise<T>) =>
  async (tx: PostgresTx): Promise<T> => {
    try {
      return await run(tx);
    } finally {
      tx.holdsLocks = true;
    }
  };

/** The visitor (else the first identity) a unit's footprint names: its units go to one writer. */
export function affinityOf(footprint: Footprint[] = []): string | undefined {
  const [first] = footprint;
  const who = first?.anonymousIds[0] ?? first?.identities[0]?.[1];
  return who === undefined ? undefined : `${first?.accountId}:${who}`;
}

/** A string's 32-bit FNV-1a hash, to spread affinities over the writers. */
export function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
