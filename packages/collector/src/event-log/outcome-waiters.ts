import type { NatsConnection } from '@nats-io/transport-node';
import { decodeOutcomes, type LogOutcome } from './messages.js';

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

/** Outcomes announced for one message id (messages.ts keySubjectOf). */
export interface KeyWatch {
  /** The next outcome heard within `ms`, or null. */
  next(ms: number): Promise<LogOutcome | null>;
  close(): void;
}

/** Subscribes to a key's subject; outcomes heard before `next` is called are kept for it. */
export function watchKey(nc: NatsConnection, subject: string): KeyWatch {
  const heard: LogOutcome[] = [];
  let wake: (() => void) | null = null;
  const sub = nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      heard.push(...decodeOutcomes(msg.data));
      wake?.();
    },
  });
  return {
    next: async (ms) => {
      if (heard.length === 0 && ms > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      return heard.shift() ?? null;
    },
    close: () => sub.unsubscribe(),
  };
}
