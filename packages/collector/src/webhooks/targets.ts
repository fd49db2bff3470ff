import type { Target } from './attempt.js';
import type { EndpointRecord } from './endpoint-store.js';
import type { SecretBox } from './secrets.js';

/** The worker's enabled endpoints by id, with their secrets opened. */
export type Targets = Map<number, Target & { record: EndpointRecord }>;

/** Each endpoint signs with its secret, and with the previous one until that one's 24 h are over. */
export function targetsOf(records: EndpointRecord[], box: SecretBox, now: number): Targets {
  const targets: Targets = new Map();
  for (const record of records) {
    const previous =
      record.previous_secret && (record.previous_secret_expires_at ?? 0) > now
        ? [box.open(record.previous_secret)]
        : [];
    targets.set(record.id, { id: record.id, url: record.url, secrets: [box.open(record.secret), ...previous], record });
  }
  return targets;
}

const disableAfterMs = 3 * 24 * 3600_000;

/** The endpoints among `failing` (none of this round's attempts succeeded) that have failed for 3 days, and why. */
export function toDisable(
  failing: number[],
  targets: Targets,
  lastErrors: Map<number, string>,
  now: number,
): Array<{ id: number; reason: string }> {
  return failing.flatMap((id) => {
    const since = targets.get(id)?.record.failing_since ?? null;
    if (since === null || now - since < disableAfterMs) return [];
    const reason = `disabled after 3 days of failed deliveries (failing since ${new Date(since).toISOString()}; last error: ${lastErrors.get(id)})`;
    return [{ id, reason }];
  });
}
