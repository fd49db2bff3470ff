import type { ClaimedDelivery, Completion } from './delivery-queue.js';
import { nextAttempt } from './schedule.js';
import { type AttemptResult, sendWebhook, type SendOptions, signatureHeaders } from './send-webhook.js';

/** What the worker needs of an endpoint to send to it. */
export interface Target {
  id: number;
  url: string;
  /** The secrets to sign with: the current one, and the previous one during the 24 h after a rotation. */
  secrets: string[];
}

/** One attempt of one delivery, and its completion: delivered, to try again (schedule.ts), or failed for good. */
export async function attemptDelivery(
  d: ClaimedDelivery,
  target: Target,
  options: SendOptions,
  now: () => number,
): Promise<{ completion: Completion; result: AttemptResult; outcome: 'delivered' | 'retry' | 'failed' }> {
  // The webhook id stays the same on every attempt, so a receiver can drop a repeat (at-least-once delivery).
  const headers = signatureHeaders(`msg_${d.id}`, new Date(), d.payload, target.secrets);
  const result = await sendWebhook(target.url, d.payload, headers, options);
  const at = now();
  const attempts = d.attempts + 1;
  const common = { id: d.id, attempts, code: result.statusCode, error: result.error, duration: result.durationMs };
  if (result.ok)
    return {
      completion: { ...common, status: 'delivered', next_attempt_at: null, delivered_at: at },
      result,
      outcome: 'delivered',
    };
  const next = result.permanent ? null : nextAttempt(d.created_at, attempts, at);
  return next
    ? {
        completion: { ...common, status: 'pending', next_attempt_at: next.at, delivered_at: null },
        result,
        outcome: 'retry',
      }
    : {
        completion: { ...common, status: 'failed', next_attempt_at: null, delivered_at: null },
        result,
        outcome: 'failed',
      };
}
