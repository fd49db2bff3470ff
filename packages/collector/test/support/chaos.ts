import { type CollectorProcess, spawnCollectorProcess } from './collector-process.js';

/**
 * kill -9 cycles (issue #7): traffic against the built collector (dist/main.js), SIGKILL at a random moment, a restart
 * on the same store, again and again; then every event that was acknowledged with a 2xx must be stored exactly once.
 * Usable outside Vitest (no Vitest import), e.g. by a benchmark that wants 20 cycles:
 *
 *   const report = await runKillCycles({ db: '/tmp/x/t.db', dir: '/tmp/x', cycles: 20, seed: 42 });
 *
 * The seed fixes the kill moments and each worker's choice of requests; the interleaving of concurrent requests
 * cannot be replayed exactly, so a failure names the seed and the events involved.
 */
export interface KillCycleOptions {
  /** TRACKLET_DB: an SQLite file path or a postgres:// URL. */
  db: string;
  /** A directory the collector may write into (the demo keys file). */
  dir: string;
  cycles: number;
  seed: number;
  /** Concurrent clients (default 6). */
  workers?: number;
  /** Milliseconds of traffic before each kill, drawn uniformly from this range (default [100, 700]). */
  killAfterMs?: [number, number];
  log?: (line: string) => void;
}

export interface KillCycleReport {
  seed: number;
  cycles: number;
  /** Requests sent, and of them the ones cut by a kill (no answer) or answered 503. */
  requests: number;
  unanswered: number;
  /** Logical events, and how many of them got a 2xx at some point (a keyed event is retried until it does). */
  events: number;
  acknowledged: number;
  stored: number;
}

type Kind = 'api' | 'batch' | 'beacon' | 'nokey';

interface LogicalEvent {
  seq: number;
  kind: Kind;
  worker: number;
  ackedId: number | null;
}

/** mulberry32: small, seedable, good enough to pick requests and kill moments. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chromeUa =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: any } | null> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  } catch {
    return null; // killed mid-request, or not listening any more
  }
}

class Traffic {
  readonly events: LogicalEvent[] = [];
  /** Keyed events not acknowledged yet, per kind: sent again (same key) until they are. */
  private readonly pending = new Map<Kind, LogicalEvent[]>([
    ['api', []],
    ['batch', []],
    ['beacon', []],
  ]);
  readonly violations: string[] = [];
  requests = 0;
  unanswered = 0;

  constructor(readonly keys: { live: string; publishable: string }) {}

  private take(kind: Kind, worker: number): LogicalEvent {
    const retry = this.pending.get(kind)?.shift();
    if (retry) return retry;
    const event: LogicalEvent = { seq: this.events.length + 1, kind, worker, ackedId: null };
    this.events.push(event);
    return event;
  }

  private body(e: LogicalEvent) {
    const common = { event: 'chaos', data: { seq: e.seq, worker: e.worker } };
    if (e.kind === 'beacon') return { ...common, id: `chaos-${e.seq}`, anonymous_id: `visitor-${e.worker}` };
    return {
      ...common,
      contact_email: `worker${e.worker}@chaos.example`,
      ...(e.kind === 'nokey' ? {} : { idempotency_key: `chaos-${e.seq}` }),
    };
  }

  private ack(e: LogicalEvent, id: unknown): void {
    if (typeof id !== 'number') return void this.violations.push(`event ${e.seq}: a 2xx without an id`);
    if (e.ackedId !== null && e.ackedId !== id)
      this.violations.push(`event ${e.seq}: acknowledged as ${e.ackedId}, then as ${id}`);
    e.ackedId = id;
  }

  private failed(events: LogicalEvent[], answer: { status: number; body: any } | null): void {
    this.unanswered += 1;
    if (answer && answer.status !== 503)
      this.violations.push(`unexpected ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    for (const e of events) if (e.kind !== 'nokey') this.pending.get(e.kind)?.push(e);
  }

  /** One request of a kind the worker's PRNG picks; resolves when it was answered or cut. */
  async send(url: string, worker: number, random: () => number): Promise<void> {
    const roll = random();
    const kind: Kind = roll < 0.4 ? 'api' : roll < 0.55 ? 'nokey' : roll < 0.8 ? 'batch' : 'beacon';
    const count =
      kind === 'batch' ? 2 + Math.floor(random() * 7) : kind === 'beacon' ? 1 + Math.floor(random() * 5) : 1;
    return this.sendKind(url, worker, kind, count);
  }

  /** Sends every keyed event still waiting, in requests of its own kind. */
  async retryPending(url: string): Promise<void> {
    for (const [kind, waiting] of this.pending) {
      for (let tries = 0; waiting.length > 0 && tries < 200; tries++) {
        await this.sendKind(url, 0, kind, kind === 'api' ? 1 : Math.min(8, waiting.length));
      }
    }
  }

  private async sendKind(url: string, worker: number, kind: Kind, count: number): Promise<void> {
    const events = Array.from({ length: count }, () => this.take(kind, worker));
    this.requests += 1;
    const auth = { authorization: `Bearer ${this.keys.live}` };
    if (kind === 'api' || kind === 'nokey') {
      const answer = await post(`${url}/v1/events`, this.body(events[0] as LogicalEvent), auth);
      if (answer && answer.status >= 200 && answer.status < 300) this.ack(events[0] as LogicalEvent, answer.body?.id);
      else this.failed(events, answer);
      return;
    }
    const answer =
      kind === 'batch'
        ? await post(`${url}/v1/events/batch`, { events: events.map((e) => this.body(e)) }, auth)
        : await post(
            `${url}/v1/collect`,
            { key: this.keys.publishable, events: events.map((e) => this.body(e)) },
            { 'user-agent': chromeUa },
          );
    if (!answer || answer.status !== 200) return this.failed(events, answer);
    const again: LogicalEvent[] = [];
    for (const [index, e] of events.entries()) {
      const result = answer.body.results?.[index];
      if (result?.status === 'created' || result?.status === 'duplicate') this.ack(e, result.id);
      else if (result?.errors?.[0]?.code === 'store_unavailable') again.push(e);
      else this.violations.push(`event ${e.seq}: result ${JSON.stringify(result)}`);
    }
    if (again.length > 0) this.failed(again, null);
  }
}

async function spawnOn(options: KillCycleOptions): Promise<CollectorProcess> {
  return spawnCollectorProcess(
    {
      TRACKLET_DB: options.db,
      TRACKLET_DEMO_KEYS: `${options.dir}/chaos-demo-keys.json`,
      TRACKLET_RATE_LIMIT_API: '0',
      TRACKLET_RATE_LIMIT_BEACONS: '0',
    },
    { quiet: true },
  );
}

/** Every stored event of the account, newest first, through the API (cursor paging). */
async function allEvents(url: string, live: string): Promise<Array<{ id: number; data: { seq: number } }>> {
  const events: Array<{ id: number; data: { seq: number } }> = [];
  for (let afterId: number | null = null; ;) {
    const response = await fetch(`${url}/v1/events?limit=100${afterId === null ? '' : `&after_id=${afterId}`}`, {
      headers: { authorization: `Bearer ${live}` },
    });
    const page = (await response.json()) as typeof events;
    if (page.length === 0) return events;
    events.push(...page);
    afterId = page[page.length - 1]?.id ?? null;
  }
}

async function createAccount(url: string): Promise<{ live: string; publishable: string }> {
  for (;;) {
    const answer = await post(
      `${url}/v1/admin/accounts`,
      { name: 'chaos' },
      { authorization: 'Bearer test-admin-token' },
    );
    if (answer?.status === 201) return answer.body.keys;
    await sleep(50);
  }
}

/** Runs the cycles, then checks: every acknowledged event stored exactly once, with the id it was acknowledged with. */
export async function runKillCycles(options: KillCycleOptions): Promise<KillCycleReport> {
  const log = options.log ?? (() => {});
  const random = prng(options.seed);
  const [minMs, maxMs] = options.killAfterMs ?? [100, 700];
  let traffic: Traffic | null = null;
  for (let cycle = 1; cycle <= options.cycles; cycle++) {
    const collector = await spawnOn(options);
    traffic ??= new Traffic(await createAccount(collector.url));
    const t = traffic;
    const killAfter = Math.round(minMs + random() * (maxMs - minMs));
    let alive = true;
    const workers = Array.from({ length: options.workers ?? 6 }, async (_, worker) => {
      const pick = prng(options.seed * 1000 + cycle * 100 + worker);
      while (alive) await t.send(collector.url, worker, pick);
    });
    await sleep(killAfter);
    const exited = new Promise((resolve) => collector.child.once('exit', resolve));
    alive = false; // no new requests: the ones in flight now are cut by the kill
    collector.child.kill('SIGKILL');
    await exited;
    await Promise.all(workers);
    log(
      `kill -9 cycle ${cycle}/${options.cycles}: killed after ${killAfter} ms; ${t.requests} requests, ${t.unanswered} unanswered so far`,
    );
  }
  if (!traffic) throw new Error('no cycles ran');
  return verify(options, traffic);
}

async function verify(options: KillCycleOptions, traffic: Traffic): Promise<KillCycleReport> {
  const collector = await spawnOn(options);
  try {
    // Keyed events never acknowledged are sent once more: they must end up stored once, whatever happened before.
    await traffic.retryPending(collector.url);
    const stored = await allEvents(collector.url, traffic.keys.live);
    const bySeq = new Map<number, number[]>();
    for (const e of stored) bySeq.set(e.data.seq, [...(bySeq.get(e.data.seq) ?? []), e.id]);
    const problems = [...traffic.violations];
    for (const [seq, ids] of bySeq)
      if (ids.length > 1) problems.push(`event ${seq} stored ${ids.length} times: ${ids.join(', ')}`);
    for (const e of traffic.events) {
      const ids = bySeq.get(e.seq) ?? [];
      if (e.ackedId !== null && !ids.includes(e.ackedId))
        problems.push(`event ${e.seq} acknowledged as ${e.ackedId} but stored as [${ids.join(', ')}]`);
      if (e.kind !== 'nokey' && e.ackedId === null) problems.push(`keyed event ${e.seq} never acknowledged`);
    }
    if (problems.length > 0) {
      throw new Error(
        `kill -9 cycles (seed ${options.seed}) broke the guarantee:\n${problems.slice(0, 20).join('\n')}`,
      );
    }
    return {
      seed: options.seed,
      cycles: options.cycles,
      requests: traffic.requests,
      unanswered: traffic.unanswered,
      events: traffic.events.length,
      acknowledged: traffic.events.filter((e) => e.ackedId !== null).length,
      stored: stored.length,
    };
  } finally {
    await collector.stop();
  }
}
