import { type Beacon, beaconEventSchema, beaconSchema, type ItemResult } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { parseOrThrow } from '../validate.js';
import { authenticatePublishable } from './authenticate-key.js';
import { checkEventRules } from './check-event-rules.js';
import type { Auth, PipelineDeps, RequestMeta } from './context.js';
import { dropBots } from './drop-bots.js';
import type { BatchItem } from './index.js';
import { normalizeEvent } from './normalize-event.js';
import { quickBeaconEvent } from './quick-beacon-event.js';
import { requestHash } from './request-hash.js';

export type ParsedBeacon = { items: BatchItem[] } | { dropped: ItemResult[] };

export interface AuthenticatedBeacon {
  beacon: Beacon;
  auth: Auth;
}

/**
 * `POST /v1/collect`, first half: the envelope must be valid and its publishable key allowed from this origin, else
 * the whole beacon is refused. Nothing is written yet, so the route can apply the key's rate limit in between.
 */
export async function authenticateBeacon(
  deps: PipelineDeps,
  meta: RequestMeta,
  body: unknown,
): Promise<AuthenticatedBeacon> {
  const beacon = parseOrThrow(beaconSchema, body);
  return { beacon, auth: await authenticatePublishable(deps.store, beacon.key, meta.origin) };
}

/** Second half: bots are dropped, then each event is validated on its own, so one bad event never rejects the others. */
export function parseBeacon(
  deps: PipelineDeps,
  meta: RequestMeta,
  { beacon, auth }: AuthenticatedBeacon,
): ParsedBeacon {
  const userAgent = deps.userAgents(meta.userAgent);
  const dropped = dropBots(deps, userAgent, auth.account.id, beacon.events);
  if (dropped) return { dropped };
  const items = beacon.events.map((raw): BatchItem => {
    try {
      const input = quickBeaconEvent(raw) ?? parseOrThrow(beaconEventSchema, raw);
      const pending = normalizeEvent(input, {
        auth,
        meta,
        source: 'beacon',
        idempotencyKey: input.id,
        requestHash: requestHash(input),
        userAgent,
        locate: deps.locate,
      });
      checkEventRules(auth, pending);
      return pending;
    } catch (error) {
      if (error instanceof TrackletError) return { errors: error.toApiErrors() };
      throw error;
    }
  });
  return { items };
}
