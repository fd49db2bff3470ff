import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, TimeoutError } from '@nats-io/transport-node';

/** How long a collector or writer starting on the event log waits for JetStream to answer its setup calls. */
export const logSetupWaitMs = 60_000;

/**
 * JetStream did not answer yet, which is not a refusal: its nodes have no leader (a cluster still forming, or
 * electing again after a node was lost). A timeout, no responders, or 503 "JetStream system temporarily unavailable".
 */
export function isLogUnanswered(error: unknown): boolean {
  return (
    error instanceof TimeoutError ||
    error instanceof NoRespondersError ||
    (error instanceof JetStreamApiError && error.status === 503)
  );
}

/**
 * Runs `setup` (stream and consumer checks at start) again while JetStream cannot answer yet, pausing 0.25 s, then
 * longer, up to 2 s, for at most `waitMs`; fails at once for anything else. `onWait` hears each unanswered attempt.
 */
export async function whenLogAnswers<T>(
  setup: () => Promise<T>,
  onWait: (error: Error) => void = () => {},
  waitMs = logSetupWaitMs,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await setup();
    } catch (error) {
      if (!isLogUnanswered(error) || Date.now() + pause > deadline) throw error;
      onWait(error as Error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
