import type { ApiError } from '@tracklet/protocol';

/** Every error code the collector answers with: HTTP status and the short message (API.md "Errors"). */
export const errorCodes = {
  invalid_json: [400, 'Invalid JSON'],
  invalid_body: [400, 'Invalid request body'],
  missing_field: [400, 'Missing field'],
  invalid_field: [400, 'Invalid field'],
  unknown_field: [400, 'Unknown field'],
  invalid_event_name: [400, 'Invalid event name'],
  invalid_property_name: [400, 'Invalid property name'],
  invalid_property_value: [400, 'Invalid property value'],
  too_many_properties: [400, 'Too many properties'],
  data_too_large: [400, 'Properties too large'],
  property_type_mismatch: [400, 'Property type mismatch'],
  unknown_event: [400, 'Unknown event'],
  contact_required: [400, 'Contact required'],
  contact_identity_required: [400, 'Contact identity required'],
  order_id_required: [400, 'Order id required'],
  idempotency_key_mismatch: [400, 'Idempotency key mismatch'],
  invalid_parameter: [400, 'Invalid parameter'],
  invalid_request: [400, 'Invalid request'],
  unauthorized: [401, 'Unauthorized'],
  forbidden: [403, 'Forbidden'],
  insufficient_scope: [403, 'Insufficient scope'],
  origin_not_allowed: [403, 'Origin not allowed'],
  publishable_key_required: [403, 'Publishable key required'],
  not_found: [404, 'Not found'],
  event_not_found: [404, 'Event not found'],
  contact_not_found: [404, 'Contact not found'],
  account_not_found: [404, 'Account not found'],
  key_not_found: [404, 'Key not found'],
  webhook_not_found: [404, 'Webhook not found'],
  delivery_not_found: [404, 'Delivery not found'],
  method_not_allowed: [405, 'Method not allowed'],
  request_timeout: [408, 'Request timeout'],
  idempotency_conflict: [409, 'Idempotency conflict'],
  contact_conflict: [409, 'Contact conflict'],
  payload_too_large: [413, 'Payload too large'],
  unsupported_media_type: [415, 'Unsupported media type'],
  rate_limited: [429, 'Rate limited'],
  headers_too_large: [431, 'Request headers too large'],
  internal_error: [500, 'Internal error'],
  store_unavailable: [503, 'Store unavailable'],
  store_overloaded: [503, 'Store overloaded'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof errorCodes;

/** The one error type of the collector; the error handler turns it into the contract's error body. */
export class TrackletError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly description: string | undefined;
  readonly path: string | undefined;
  /** Seconds for a Retry-After header (429, 503). */
  readonly retryAfter: number | undefined;
  /** More problems of the same request, answered together. */
  readonly more: ApiError[];

  constructor(
    code: ErrorCode,
    description?: string,
    opts: { path?: string; retryAfter?: number; more?: ApiError[] } = {},
  ) {
    super(description ?? errorCodes[code][1]);
    this.name = 'TrackletError';
    this.code = code;
    this.status = errorCodes[code][0];
    this.description = description;
    this.path = opts.path;
    this.retryAfter = opts.retryAfter;
    this.more = opts.more ?? [];
  }

  toApiErrors(): ApiError[] {
    return [apiError(this.code, this.description, this.path), ...this.more];
  }
}

export function apiError(code: ErrorCode, description?: string, path?: string): ApiError {
  return {
    code,
    message: errorCodes[code][1],
    ...(description !== undefined ? { description } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

/** Several problems at once (one entry per zod issue), under the status of the first. */
export function errorList(errors: ApiError[]): TrackletError {
  const [first, ...more] = errors;
  if (!first) return new TrackletError('invalid_body');
  return new TrackletError(first.code as ErrorCode, first.description, { path: first.path, more });
}
