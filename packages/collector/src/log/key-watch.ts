import type { NatsConnection } from '@nats-io/transport-node';
import { decodeOutcomes, type LogOutcome } from './log-outcome.js';

/** Outcomes announced for one message id (log-outcome.ts keySubjectOf). */
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
