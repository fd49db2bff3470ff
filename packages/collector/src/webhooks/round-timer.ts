/** What a round found: `full` (an endpoint had more due than it could claim), `claimed` something, or `idle`. */
export type RoundResult = 'full' | 'claimed' | 'idle';

/**
 * After a round that claimed something, or a wake (rows queued), the next round waits this long rather than
 * `pollMs`: deliveries start within a few ms of their commit, and a busy outbox is still claimed in batches.
 */
const busyPollMs = 20;
/** A wake comes before its rows' commit: for this long after one, an idle worker keeps looking every `busyPollMs`. */
const wakeWindowMs = 1000;

/**
 * When the worker's next round runs (issue #21): at once after a full claim, soon after a claim or a wake, else
 * after `pollMs` (other processes' rows; retries coming due). One round at a time.
 */
export class RoundTimer {
  private timer: NodeJS.Timeout | null = null;
  /** A round is running, or is due soon; false while waiting out `pollMs`. */
  private busy = false;
  private wokenAt = -Infinity;
  private stopped = false;
  /** The round running, if any. */
  tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly round: () => Promise<RoundResult>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Rows were just queued: the next round comes soon, not after up to `pollMs`. */
  wake(): void {
    this.wokenAt = Date.now();
    if (this.busy || this.stopped || !this.timer) return;
    clearTimeout(this.timer);
    this.schedule(this.soonMs());
  }

  /** No more rounds; resolves when the running one has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.tick;
  }

  private wokenLately(): boolean {
    return Date.now() - this.wokenAt < wakeWindowMs;
  }

  private soonMs(): number {
    return Math.min(busyPollMs, this.pollMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.busy = ms < this.pollMs;
    this.timer = setTimeout(() => {
      this.busy = true;
      this.tick = this.round()
        .then((next) =>
          this.schedule(next === 'full' ? 0 : next === 'idle' && !this.wokenLately() ? this.pollMs : this.soonMs()),
        )
        .catch((error: unknown) => {
          this.onError(error);
          this.schedule(this.pollMs);
        });
    }, ms);
    this.timer.unref();
  }
}
