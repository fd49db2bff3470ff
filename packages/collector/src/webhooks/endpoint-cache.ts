import type { EndpointRecord, EndpointStore } from './endpoint-store.js';

/**
 * The enabled endpoints by account, for the pipeline (which asks for every stored event): read once, then again when
 * this process changed an endpoint or after `maxAgeMs` (another process's change is seen within that time). Only
 * the pipeline's queue-webhooks step asks it, for the rows it queues: a match wakes the worker (`onQueued`).
 */
export class EndpointCache {
  private byAccount: Map<number, EndpointRecord[]> | null = null;
  private readAt = 0;
  private reading: Promise<Map<number, EndpointRecord[]>> | null = null;
  /** Told when `matching` found endpoints: the pipeline is queueing deliveries to them (the worker's wake). */
  onQueued: ((endpointIds: number[]) => void) | null = null;

  constructor(
    private readonly endpoints: EndpointStore,
    /** The webhooks' clock (tests move it): outbox rows are timed by it, like the endpoints they are matched with. */
    readonly clock: () => number = Date.now,
    private readonly maxAgeMs = 1000,
  ) {}

  invalidate(): void {
    this.byAccount = null;
    this.reading = null;
  }

  /** The account's enabled endpoints subscribed to `type` (an event name or `contact.merged`). */
  async matching(accountId: number, type: string): Promise<EndpointRecord[]> {
    const all = this.fresh() ?? (await (this.reading ??= this.read()));
    const matching = (all.get(accountId) ?? []).filter((e) => e.events.includes('*') || e.events.includes(type));
    if (matching.length > 0) this.onQueued?.(matching.map((e) => e.id));
    return matching;
  }

  /**
   * Whether the account has no enabled endpoint, answered without waiting when the endpoints read is fresh (most
   * accounts have none: their events skip the webhooks step with no await); false when it would have to read.
   */
  hasNone(accountId: number): boolean {
    return this.fresh()?.has(accountId) === false;
  }

  private fresh(): Map<number, EndpointRecord[]> | null {
    return this.byAccount && Date.now() - this.readAt < this.maxAgeMs ? this.byAccount : null;
  }

  private async read(): Promise<Map<number, EndpointRecord[]>> {
    const startedAt = Date.now();
    const reading = this.reading;
    try {
      const map = new Map<number, EndpointRecord[]>();
      for (const e of await this.endpoints.enabledEndpoints())
        map.set(e.account_id, [...(map.get(e.account_id) ?? []), e]);
      // A change made while this read ran invalidated it: its answer serves this caller only.
      if (this.reading === reading) {
        this.byAccount = map;
        this.readAt = startedAt;
      }
      return map;
    } finally {
      if (this.reading === reading) this.reading = null;
    }
  }
}
