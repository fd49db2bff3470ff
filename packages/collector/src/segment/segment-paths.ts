import type { ApiError, ItemResult } from '@tracklet/protocol';

/** Tracklet event fields as the Segment message fields they came from (segment/map-message.ts). */
const origins: [RegExp, string][] = [
  [/^(contact_email|user\.email)/, 'traits.email'],
  [/^(contact_phone|user\.phone)/, 'traits.phone'],
  [/^(external_id|user\.external_id)/, 'userId'],
  [/^anonymous_id/, 'anonymousId'],
  [/^(id|idempotency_key)(?=$|\W)/, 'messageId'],
  [/^ip(?=$|\W)/, 'context.ip'],
  [/^user_agent/, 'context.userAgent'],
  [/^data(?=$|\W)/, 'properties'],
  [/^contact(?=$|\W)/, 'traits'],
  [/^click_ids/, 'context.page.url'],
  [/^(url|title|referrer)(?=$|\W)/, 'context.page.$1'],
  [/^utm_(source|medium|term|content)/, 'context.campaign.$1'],
  [/^utm_campaign/, 'context.campaign.name'],
];

/**
 * An error that names a Tracklet field (the contract's own checks ran on the mapped event) renamed to the Segment
 * field the sender wrote, so `"path": "traits.email"` points into their message rather than into our mapping.
 */
function inSegmentTerms(error: ApiError): ApiError {
  const path = error.path;
  const rule = path ? origins.find(([pattern]) => pattern.test(path)) : undefined;
  if (!path || !rule) return error;
  const renamed = path.replace(rule[0], rule[1]);
  const description = error.description?.startsWith(path)
    ? renamed + error.description.slice(path.length)
    : error.description;
  return { ...error, path: renamed, ...(description !== undefined ? { description } : {}) };
}

export const errorsInSegmentTerms = (errors: ApiError[]) => errors.map(inSegmentTerms);

export const resultInSegmentTerms = (result: ItemResult): ItemResult =>
  result.errors ? { ...result, errors: errorsInSegmentTerms(result.errors) } : result;
