/**
 * When a failed delivery is tried again, after its n-th failed attempt (1-based): Svix's schedule, which spreads
 * retries over about three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h. Each wait gets ±20 % jitter,
 * so the deliveries of an endpoint that came back do not all arrive in the same second.
 */
const waitsMs = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];

export const retryWindowMs = 3 * 24 * 3600_000;

export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = waitsMs[Math.min(failedAttempts, waitsMs.length) - 1] ?? 5_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * What follows a failed attempt: another one at `at`, or giving up once the delivery is older than the window (the
 * endpoint itself is disabled when it has failed for that long, worker.ts).
 */
export function nextAttempt(
  createdAt: number,
  failedAttempts: number,
  now: number,
  random?: () => number,
): { at: number } | null {
  const at = now + retryDelayMs(failedAttempts, random);
  return at - createdAt > retryWindowMs ? null : { at };
}
