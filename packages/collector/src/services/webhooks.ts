import type {
  CreateWebhook,
  UpdateWebhook,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookWithSecret,
} from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { type EndpointRecord, endpointOutput } from '../webhooks/endpoint-store.js';
import { newSigningSecret } from '../webhooks/secrets.js';
import { checkPublicUrl } from '../webhooks/ssrf-guard.js';
import type { Webhooks } from '../webhooks/webhooks.js';

/** How long a rotated-out secret keeps signing beside the new one. */
export const rotationOverlapMs = 24 * 3600_000;

/** A URL whose host is (or resolves to) a private address is refused, unless TRACKLET_WEBHOOKS_ALLOW_PRIVATE. */
async function checkUrl(w: Webhooks, url: string): Promise<void> {
  if (w.config.allowPrivate) return;
  try {
    await checkPublicUrl(url, w.resolve);
  } catch (error) {
    throw new TrackletError('invalid_field', `url: ${(error as Error).message}`, { path: 'url' });
  }
}

async function owned(w: Webhooks, accountId: number, id: number): Promise<EndpointRecord> {
  const endpoint = await w.endpoints.get(accountId, id);
  if (!endpoint) throw new TrackletError('webhook_not_found', `no webhook endpoint ${id}`);
  return endpoint;
}

/** Endpoints and their deliveries, for the server API and the `tracklet webhooks` command line. */
export async function createWebhook(w: Webhooks, accountId: number, input: CreateWebhook): Promise<WebhookWithSecret> {
  await checkUrl(w, input.url);
  const secret = newSigningSecret();
  const now = w.clock();
  const endpoint = await w.endpoints.insert({
    account_id: accountId,
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description ?? '',
    enabled: true,
    disabled_reason: null,
    secret: w.box.seal(secret),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  });
  w.cache.invalidate();
  return { ...endpointOutput(endpoint), secret };
}

export async function listWebhooks(w: Webhooks, accountId: number): Promise<WebhookEndpoint[]> {
  return (await w.endpoints.list(accountId)).map(endpointOutput);
}

export async function getWebhook(w: Webhooks, accountId: number, id: number): Promise<WebhookEndpoint> {
  return endpointOutput(await owned(w, accountId, id));
}

export async function updateWebhook(
  w: Webhooks,
  accountId: number,
  id: number,
  input: UpdateWebhook,
): Promise<WebhookEndpoint> {
  const endpoint = await owned(w, accountId, id);
  if (input.url !== undefined) await checkUrl(w, input.url);
  const now = w.clock();
  const reenabled = input.enabled === true && !endpoint.enabled;
  if (input.url !== undefined) endpoint.url = input.url;
  if (input.events !== undefined) endpoint.events = [...new Set(input.events)];
  if (input.description !== undefined) endpoint.description = input.description;
  if (input.enabled !== undefined) {
    endpoint.enabled = input.enabled;
    endpoint.disabled_reason = input.enabled ? null : 'disabled by its owner';
    endpoint.failing_since = null;
  }
  endpoint.updated_at = now;
  await w.endpoints.save(endpoint);
  if (reenabled) await w.listing.resume(accountId, id, now);
  w.cache.invalidate();
  return endpointOutput(endpoint);
}

export async function deleteWebhook(w: Webhooks, accountId: number, id: number): Promise<void> {
  await owned(w, accountId, id);
  await w.endpoints.remove(accountId, id);
  w.cache.invalidate();
}

/** A new secret, shown once; the old one keeps signing beside it for 24 h (two signatures per message). */
export async function rotateWebhookSecret(w: Webhooks, accountId: number, id: number): Promise<WebhookWithSecret> {
  const endpoint = await owned(w, accountId, id);
  const secret = newSigningSecret();
  const now = w.clock();
  endpoint.previous_secret = endpoint.secret;
  endpoint.previous_secret_expires_at = now + rotationOverlapMs;
  endpoint.secret = w.box.seal(secret);
  endpoint.updated_at = now;
  await w.endpoints.save(endpoint);
  return { ...endpointOutput(endpoint), secret };
}

export async function listDeliveries(
  w: Webhooks,
  accountId: number,
  id: number,
  query: { status?: string | undefined; limit?: number | undefined },
): Promise<WebhookDelivery[]> {
  await owned(w, accountId, id);
  return w.listing.list(accountId, id, { status: query.status, limit: query.limit ?? 50 });
}

/** Sends one delivery again as soon as a worker can; answers it as it now stands. */
export async function retryDelivery(
  w: Webhooks,
  accountId: number,
  id: number,
  deliveryId: number,
): Promise<WebhookDelivery> {
  await owned(w, accountId, id);
  if (!(await w.listing.get(accountId, id, deliveryId)))
    throw new TrackletError('delivery_not_found', `no delivery ${deliveryId} of webhook endpoint ${id}`);
  await w.listing.retry(accountId, id, deliveryId, w.clock());
  return (await w.listing.get(accountId, id, deliveryId)) as WebhookDelivery;
}
