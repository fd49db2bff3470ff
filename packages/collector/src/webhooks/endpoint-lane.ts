import type { ClaimedDelivery } from './delivery-queue.js';

/**
 * One endpoint's claimed deliveries in the worker, as chains: a contact's deliveries in id order, sent one after
 * the other (per-contact order), while up to `cap` chains of the endpoint run at once.
 */
export class EndpointLane {
  private readonly waiting: ClaimedDelivery[][] = [];
  running = 0;
  /** Claimed and not completed yet. */
  held = 0;

  add(claimed: ClaimedDelivery[]): void {
    const chains = new Map<string, ClaimedDelivery[]>();
    for (const d of claimed) {
      const key = d.contact_id === null ? `d${d.id}` : `c${d.contact_id}`;
      chains.set(key, [...(chains.get(key) ?? []), d]);
    }
    this.waiting.push(...chains.values());
    this.held += claimed.length;
  }

  /** The next chain to run, when the endpoint has a free slot. */
  take(cap: number): ClaimedDelivery[] | null {
    if (this.running >= cap) return null;
    const chain = this.waiting.shift();
    if (chain) this.running += 1;
    return chain ?? null;
  }
}
