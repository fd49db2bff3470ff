import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CollectorConfig } from './config.js';
import { TrackletError } from './errors.js';
import type { Auth } from './pipeline/context.js';

export type RateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const MINUTE = 60_000;
/** Buckets kept per limiter (least recently used go first); one per key, or per client IP + publishable key. */
const BUCKETS = 100_000;

/**
 * The request budgets of issue #7, with @fastify/rate-limit's in-memory store (so each collector process counts on
 * its own). Both limits run after authentication, on the credential's id: a request with an unknown key is a 401
 * and never touches a real key's bucket, and a limited request is refused before anything is written.
 * - server API: per secret key (a JWT counts against its account), `api_per_minute`;
 * - beacons: per client IP (IPv6 by /64, as the plugin does) + publishable key, `beacons_per_minute`.
 * An account's own budget wins over the server default; a budget of 0 (only from the environment) is no limit.
 */
export async function createRateLimits(
  app: FastifyInstance,
  config: CollectorConfig,
): Promise<{ api: RateLimitHook; beacons: RateLimitHook }> {
  await app.register(rateLimit, { global: false });
  const defaults = config.rateLimits;
  const apiBudget = (auth: Auth) => auth.account.rate_limit.api_per_minute ?? defaults.apiPerMinute;
  const beaconBudget = (auth: Auth) => auth.account.rate_limit.beacons_per_minute ?? defaults.beaconsPerMinute;

  const limiter = (
    budget: (auth: Auth) => number,
    bucket: (request: FastifyRequest, auth: Auth) => string,
  ): RateLimitHook => {
    const check = app.rateLimit({
      timeWindow: MINUTE,
      cache: BUCKETS,
      keyGenerator: (request) => bucket(request, authOf(request)),
      max: (request) => budget(authOf(request)),
      errorResponseBuilder: (_request, context) =>
        new TrackletError(
          'rate_limited',
          `more than ${context.max} requests per minute for this key; retry in ${context.after}`,
          { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) },
        ),
    });
    return async (request, reply) => {
      if (budget(authOf(request)) === 0) return;
      await check.call(app, request, reply);
    };
  };

  return {
    api: limiter(apiBudget, (_request, auth) => (auth.keyId === null ? `jwt:${auth.account.id}` : `key:${auth.keyId}`)),
    beacons: limiter(beaconBudget, (request, auth) => `beacon:${auth.keyId}:${normalizeIP(request.ip || 'unknown')}`),
  };
}

function authOf(request: FastifyRequest): Auth {
  // The limiters are registered after the authentication hooks; a missing credential here is a wiring bug.
  if (!request.auth) throw new Error('rate limit checked before authentication');
  return request.auth;
}
