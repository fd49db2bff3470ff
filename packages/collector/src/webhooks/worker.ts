import { attemptDelivery, type Target } from './attempt.js';
import { targetsOf, type Targets, toDisable } from './targets.js';
import type { ClaimedDelivery, Completion } from './delivery-queue.js';
import { EndpointLane } from './endpoint-lane.js';
import { eventGone, fillPayloads, type PayloadReads } from './payload-reads.js';
import { type RoundResult, RoundTimer } from './round-timer.js';
import type { SecretBox } from './secrets.js';
import type { Resolver } from './ssrf-guard.js';
import type { WebhookConfig } from './webhook-config.js';
import type { WorkerEndpoints, WorkerQueue } from './worker-calls.js';

export interface WorkerDeps {
  endpoints: WorkerEndpoints;
  queue: WorkerQueue;
  /** Where the bodies of events' deliveries are built from, when claimed. */
  payloads: PayloadReads;
  box: SecretBox;
  config: WebhookConfig;
  /** Now, in epoch ms: injected so tests can move past a rotation's 24 h or the 3 days of failures. */
  clock: () => number;
  resolve?: Resolver;
  /** How busy ingest is, 0 to 1 (ingest-load.ts); absent: never busy. */
  ingestLoad?: () => number;
  onOutcome?: (outcome: 'delivered' | 'retry' | 'failed') => void;
  onError?: (error: unknown) => void;
}

/**
 * Claimed, not completed deliveries an endpoint may hold in this worker, per request it may have in flight: a
 * hanging endpoint holds no more, and its lease (below) outlasts sending all of them one timeout each.
 */
const heldPerSlot = 16;
const endpointsMaxAgeMs = 1000;
const keepDeliveredMs = 30 * 24 * 3600_000;
/** Outbox rows fanned out into deliveries per round (fewer while ingest is busy). */
const fanOutBatch = 1000;
/** While ingest is busy (config.yieldAt), the worker fans out and claims at most this often. */
const yieldingClaimMs = 250;

/**
 * Sends the outbox (issue #21): each round (round-timer.ts: soon after this process queued rows, else every
 * `pollMs`) it reads the enabled endpoints, fans new outbox rows out into deliveries (one transaction), leases due
 * deliveries of endpoints with room (one transaction), sends them (TRACKLET_WEBHOOK_CONCURRENCY at once,
 * TRACKLET_WEBHOOK_ENDPOINT_CONCURRENCY per endpoint, a contact's in order) and records the attempts in one
 * transaction per round. An endpoint failing for 3
 * days is disabled, with the reason. Delivered rows older than 30 days are deleted. Several workers may share a
 * PostgreSQL database: leases and the claim's locks keep them apart; a worker killed mid-delivery leaves leases that
 * expire, so its deliveries are sent again (at least once).
 */
export class WebhookWorker {
  private readonly lanes = new Map<number, EndpointLane>();
  private targets: Targets = new Map();
  private targetsAt = -Infinity;
  private completions: Completion[] = [];
  private endpointOutcomes = { ok: new Set<number>(), failed: new Map<number, string>() };
  private running = 0;
  private closed = false;
  private readonly timer: RoundTimer;
  private prunedAt = 0;
  private claimedAt = -Infinity;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: WorkerDeps) {
    this.timer = new RoundTimer(
      () => this.round(),
      deps.config.pollMs,
      (error) => deps.onError?.(error),
    );
  }

  start(): void {
    this.timer.start();
  }

  /**
   * Deliveries were just queued to these endpoints (this process's pipeline): claim them soon, not after up to
   * `pollMs`; an endpoint this worker does not know yet (just created) has the endpoints read again first.
   */
  wake(endpointIds: number[] = []): void {
    if (endpointIds.some((id) => !this.targets.has(id))) this.targetsAt = -Infinity;
    this.timer.wake();
  }

  /** Stops claiming, cuts the attempts in flight (released: they are sent again later) and records the rest. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.timer.stop();
    await Promise.all([...this.inFlight]);
    await this.flush().catch((error: unknown) => this.deps.onError?.(error));
  }

  /** One round: `full` when an endpoint had more due than it could claim (the next round follows at once). */
  private async round(): Promise<RoundResult> {
    const { config, clock } = this.deps;
    const now = clock();
    const busy = this.ingestBusy();
    if (busy && now - this.claimedAt < yieldingClaimMs) return 'idle';
    if (busy) this.claimedAt = now;
    const maxHeld = config.endpointConcurrency * (busy ? 1 : heldPerSlot);
    await this.flush();
    if (now - this.targetsAt >= endpointsMaxAgeMs) await this.readTargets(now);
    if (now - this.prunedAt > 3600_000) {
      this.prunedAt = now;
      await this.deps.queue.prune(now - keepDeliveredMs);
    }
    // While ingest is busy only a few rows a turn: fanning out writes a delivery per endpoint, on ingest's writer.
    const fanOutLimit = busy ? config.endpointConcurrency : fanOutBatch;
    const fannedOut = (await this.deps.queue.hasOutbox()) ? await this.deps.queue.fanOut(fanOutLimit) : 0;
    const limits: Array<[number, number]> = [];
    for (const id of this.targets.keys()) {
      const room = maxHeld - (this.lanes.get(id)?.held ?? 0);
      if (room > 0 && (await this.deps.queue.hasDue(id, now))) limits.push([id, room]);
    }
    let claimed: ClaimedDelivery[] = [];
    if (limits.length > 0) {
      // A lease outlasts the worst case of what is held: every held delivery timing out, `endpointConcurrency` at once.
      claimed = await this.deps.queue.claim(limits, now, config.timeoutMs * (heldPerSlot + 2));
      this.claimedAt = now;
      const gone = new Set(await fillPayloads(claimed, this.deps.payloads));
      for (const d of gone) this.notSent(d);
      for (const [id] of limits) this.laneOf(id).add(claimed.filter((d) => d.endpoint_id === id && !gone.has(d)));
    }
    this.dispatch();
    // Only a full fan-out, or a claim that filled an endpoint's room, means more is waiting: the next round follows at once.
    if (fannedOut >= fanOutLimit) return 'full';
    if (limits.some(([id, room]) => claimed.filter((d) => d.endpoint_id === id).length >= room)) return 'full';
    return claimed.length > 0 ? 'claimed' : 'idle';
  }

  /**
   * Deliveries yield to ingest: while the collector's event loop is busier than `yieldAt` percent (ingest-load.ts), the
   * worker fans out and claims at most once per `yieldingClaimMs`, a few outbox rows and one delivery per request slot
   * (so an endpoint still gets a few a second), and the outbox keeps the rest until ingest calms down. On two cores a
   * delivery (the request and its answer) costs more CPU than storing the event, so sending at ingest's peak rate
   * takes a third of it (issue #21's bench); held in the outbox, the webhooks cost ingest ~2 %.
   */
  private ingestBusy(): boolean {
    return (this.deps.ingestLoad?.() ?? 0) * 100 > this.deps.config.yieldAt;
  }

  /** A delivery whose event was deleted before it was sent: failed for good, with the reason, nothing sent. */
  private notSent(d: ClaimedDelivery): void {
    this.completions.push({
      id: d.id,
      status: 'failed',
      attempts: d.attempts + 1,
      next_attempt_at: null,
      code: null,
      error: eventGone,
      duration: 0,
      delivered_at: null,
    });
    this.deps.onOutcome?.('failed');
  }

  private laneOf(id: number): EndpointLane {
    let lane = this.lanes.get(id);
    if (!lane) this.lanes.set(id, (lane = new EndpointLane()));
    return lane;
  }

  private async readTargets(now: number): Promise<void> {
    this.targets = targetsOf(await this.deps.endpoints.enabledEndpoints(), this.deps.box, now);
    this.targetsAt = now;
  }

  /** Starts chains while there is room, globally and per endpoint. */
  private dispatch(): void {
    for (let started = true; started && this.running < this.deps.config.concurrency;) {
      started = false;
      for (const [id, lane] of this.lanes) {
        if (this.running >= this.deps.config.concurrency) break;
        const target = this.targets.get(id);
        const chain = target && lane.take(this.deps.config.endpointConcurrency);
        if (!target || !chain) continue;
        started = true;
        this.running += 1;
        const run = this.runChain(target, chain, lane).finally(() => {
          this.inFlight.delete(run);
          this.running -= 1;
          lane.running -= 1;
          if (!this.closed) this.dispatch();
        });
        this.inFlight.add(run);
      }
    }
  }

  /** A contact's deliveries in order; after a failure the rest wait (released) behind it. */
  private async runChain(target: Target, chain: ClaimedDelivery[], lane: EndpointLane): Promise<void> {
    const { config, clock } = this.deps;
    const options = {
      timeoutMs: config.timeoutMs,
      allowPrivate: config.allowPrivate,
      signal: this.abort.signal,
      ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
    };
    for (const [index, d] of chain.entries()) {
      lane.held -= 1;
      if (this.closed && index > 0) {
        this.completions.push({ id: d.id, status: 'released' });
        continue;
      }
      const { completion, result, outcome } = await attemptDelivery(d, target, options, clock);
      if (this.closed && !result.ok) {
        this.completions.push({ id: d.id, status: 'released' });
        continue;
      }
      this.completions.push(completion);
      this.deps.onOutcome?.(outcome);
      if (result.ok) {
        this.endpointOutcomes.ok.add(target.id);
        continue;
      }
      this.endpointOutcomes.failed.set(target.id, result.error ?? 'failed');
      for (const rest of chain.slice(index + 1)) {
        lane.held -= 1;
        this.completions.push({ id: rest.id, status: 'released' });
      }
      return;
    }
  }

  /** Records the attempts made since the last round, in one transaction; disables endpoints failing for 3 days. */
  private async flush(): Promise<void> {
    if (this.completions.length === 0) return;
    const completions = this.completions;
    const { ok, failed } = this.endpointOutcomes;
    this.completions = [];
    this.endpointOutcomes = { ok: new Set(), failed: new Map() };
    const now = this.deps.clock();
    const stillFailing = [...failed.keys()].filter((id) => !ok.has(id));
    const disable = toDisable(stillFailing, this.targets, failed, now);
    await this.deps.queue.complete(completions, { ok: [...ok], failed: stillFailing, disable }, now);
    // The records as the statement left them, until the next read.
    for (const id of ok) {
      const record = this.targets.get(id)?.record;
      if (record) record.failing_since = null;
    }
    for (const id of stillFailing) {
      const record = this.targets.get(id)?.record;
      if (record) record.failing_since ??= now;
    }
    for (const { id } of disable) this.targets.delete(id);
  }
}
