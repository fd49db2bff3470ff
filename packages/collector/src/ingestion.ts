import type { ItemResult } from '@tracklet/protocol';
import type { TrackletError } from './errors.js';
import type { Outcome, PendingEvent, PipelineDeps } from './pipeline/context.js';
import { type BatchItem, ingestEvent, ingestMany } from './pipeline/index.js';

/** 202: the event is durable in the event log and will be written; `GET /v1/events/status?idempotency_key=` tells when. */
export interface Accepted {
  status: 'accepted';
  /** The id it will be stored with (absent when it repeats a request still being written, whose id wins). */
  id?: number;
  idempotency_key: string | null;
}

/** Per-item results of a batch or beacon; `storeFailure` set when the store (or the log) took none of them. */
export interface ItemResults {
  results: ItemResult[];
  storeFailure: TrackletError | null;
}

/**
 * How the write routes hand on events that passed the stateless steps, chosen once in app.ts: straight to the
 * stateful pipeline and the store (`directIngestion`), or published to the event log and answered from a writer's
 * outcome (event-log/log-ingestion.ts, TRACKLET_LOG). The routes answer alike either way.
 */
export interface Ingestion {
  /** `POST /v1/events`: the outcome once committed, or `accepted` when only the log holds it yet. */
  event(pending: PendingEvent): Promise<Outcome | Accepted>;
  /** `POST /v1/events/batch`. */
  batch(items: BatchItem[]): Promise<ItemResults>;
  /** `POST /v1/collect`: in log mode nobody waits for the writer. */
  beacon(items: BatchItem[]): Promise<ItemResults>;
  /** Readiness beyond the store: throws the contract's 503 when what the writes need does not answer. */
  ready(): Promise<void>;
  /** Finishes what is in hand; the store is closed after it, by the app. */
  close(): Promise<void>;
}

/** Single-node ingestion: every write runs the pipeline in this process and answers after COMMIT. */
export function directIngestion(deps: PipelineDeps): Ingestion {
  return {
    event: (pending) => ingestEvent(deps, pending),
    batch: (items) => ingestMany(deps, items),
    beacon: (items) => ingestMany(deps, items),
    ready: async () => {},
    close: async () => {},
  };
}
