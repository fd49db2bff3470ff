import type { DiscardReason } from '@tracklet/protocol';

export interface DiscardNote {
  at: string;
  event: string;
  reason: DiscardReason;
}

/**
 * Recent discarded events of one account, in memory (discarded events are never stored). Only the demo's live
 * panel reads it, so it is kept for the demo account alone and holds the last `size` notes.
 */
export class DiscardLog {
  private notes: DiscardNote[] = [];

  constructor(
    readonly accountId: number,
    private readonly size = 100,
  ) {}

  record(accountId: number, event: string, reason: DiscardReason): void {
    if (accountId !== this.accountId) return;
    this.notes.push({ at: new Date().toISOString(), event, reason });
    if (this.notes.length > this.size) this.notes.splice(0, this.notes.length - this.size);
  }

  recent(): DiscardNote[] {
    return [...this.notes].reverse();
  }
}
