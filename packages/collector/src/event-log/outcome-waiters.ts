import type { LogOutcome } from './messages.js';

interface Entry {
  outcome: LogOutcome | null;
  resolve: ((outcome: LogOutcome | null) => void) | null;
}

/** One event's expected outcome: wait for it (null when the time ran out), or give up on it. */
export interface Expected {
  wait(ms: number): Promise<LogOutcome | null>;
  cancel(): void;
}

/**
 * The server-API requests of this collector that wait for a writer's outcome, by the event id the collector
 * assigned. Registered before the publish, since the outcome may arrive before the publish's own ack does.
 */
export class OutcomeWaiters {
  private readonly entries = new Map<number, Entry>();

  get size(): number {
    return this.entries.size;
  }

  expect(id: number): Expected {
    const entry: Entry = { outcome: null, resolve: null };
    this.entries.set(id, entry);
    const cancel = () => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    return {
      cancel,
      wait: (ms) => {
        if (entry.outcome) {
          cancel();
          return Promise.resolve(entry.outcome);
        }
        return new Promise((resolve) => {
          const timer = setTimeout(() => {
            cancel();
            resolve(null);
          }, ms);
          entry.resolve = (outcome) => {
            clearTimeout(timer);
            cancel();
            resolve(outcome);
          };
        });
      },
    };
  }

  /** Hands each outcome to its waiter; outcomes nobody waits for any more (answered 202 already) are dropped. */
  deliver(outcomes: LogOutcome[]): void {
    for (const outcome of outcomes) {
      const entry = this.entries.get(outcome.id);
      if (!entry) continue;
      if (entry.resolve) entry.resolve(outcome);
      else entry.outcome = outcome;
    }
  }
}
