import type { ItemResult } from '@tracklet/protocol';
import type { Ingestion } from '../ingestion.js';
import type { PipelineDeps, RequestMeta } from '../pipeline/context.js';
import { dropBots } from '../pipeline/drop-bots.js';
import type { BatchItem } from '../pipeline/index.js';
import type { WriteKeyAuth } from './authenticate-write-key.js';
import { parseMessage, type SegmentRequest } from './parse-message.js';
import { resultInSegmentTerms } from './segment-paths.js';

/**
 * The messages of one Segment request through the pipeline: from a browser (publishable key) a bot's request is
 * dropped whole and the events take the beacon path; a secret key's take the batch path. Each message is mapped
 * and checked on its own, so one refused message never refuses the others; `ingest` hands them on as the app
 * chose (directly to the store, or to the event log). When the store (or the log) failed, the error is thrown: the libraries retry the whole
 * request, and what was stored comes back `duplicate` by its messageId.
 */
export async function ingestMessages(
  deps: PipelineDeps,
  ingest: Ingestion,
  found: WriteKeyAuth,
  meta: RequestMeta,
  messages: unknown[],
  shared: Pick<SegmentRequest, 'sentAt' | 'context'> = {},
): Promise<ItemResult[]> {
  const req: SegmentRequest = { ...found, ...shared, meta, userAgent: deps.userAgents(meta.userAgent) };
  if (found.mode === 'browser') {
    const dropped = dropBots(deps, req.userAgent, found.auth.account.id, messages);
    if (dropped) return dropped;
  }
  const items = messages.map((message): BatchItem => parseMessage(deps, req, message));
  const { results, storeFailure } = found.mode === 'browser' ? await ingest.beacon(items) : await ingest.batch(items);
  if (storeFailure) throw storeFailure;
  return results.map(resultInSegmentTerms);
}
