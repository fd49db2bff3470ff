import { createWebhookSchema, updateWebhookSchema } from '@tracklet/protocol';
import type { CollectorConfig } from './config.js';
import * as service from './services/webhooks.js';
import type { Store } from './store/store.js';
import { parseOrThrow } from './validate.js';
import { openWebhooks } from './webhooks/webhooks.js';

export const webhooksUsage = `  tracklet webhooks create --account ID --url URL --events a,b|* [--description TEXT]
  tracklet webhooks list --account ID
  tracklet webhooks get|delete|rotate-secret ID --account ID
  tracklet webhooks update ID --account ID [--url URL] [--events LIST] [--description TEXT] [--enabled true|false]
  tracklet webhooks deliveries ID --account ID [--status pending|delivered|failed]
  tracklet webhooks retry ID DELIVERY_ID --account ID`;

export type WebhookArgs = Record<string, string | undefined>;

const events = (value: string | undefined) => value?.split(',').filter(Boolean);
const enabled = (value: string | undefined) => (value === undefined ? undefined : value === 'true');

/** `tracklet webhooks …`: the server API's webhook routes from the command line, on the store directly. */
export async function runWebhooksCommand(
  store: Store,
  config: CollectorConfig,
  [verb, id, deliveryId]: Array<string | undefined>,
  values: WebhookArgs,
): Promise<unknown> {
  const w = await openWebhooks(store, config.webhooks);
  const account = Number(values.account);
  if (!Number.isInteger(account) || account <= 0) throw new Error(`--account ID is required\n${webhooksUsage}`);
  if (verb === 'create')
    return service.createWebhook(
      w,
      account,
      parseOrThrow(createWebhookSchema, {
        url: values.url,
        events: events(values.events),
        description: values.description,
      }),
    );
  if (verb === 'list') return service.listWebhooks(w, account);
  const endpoint = Number(id);
  if (!id || !Number.isInteger(endpoint)) throw new Error(webhooksUsage);
  if (verb === 'get') return service.getWebhook(w, account, endpoint);
  if (verb === 'delete')
    return service.deleteWebhook(w, account, endpoint).then(() => ({ id: endpoint, deleted: true }));
  if (verb === 'rotate-secret') return service.rotateWebhookSecret(w, account, endpoint);
  if (verb === 'update')
    return service.updateWebhook(
      w,
      account,
      endpoint,
      parseOrThrow(updateWebhookSchema, {
        url: values.url,
        events: events(values.events),
        description: values.description,
        enabled: enabled(values.enabled),
      }),
    );
  if (verb === 'deliveries') return service.listDeliveries(w, account, endpoint, { status: values.status });
  if (verb === 'retry' && deliveryId) return service.retryDelivery(w, account, endpoint, Number(deliveryId));
  throw new Error(webhooksUsage);
}
