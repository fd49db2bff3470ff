import type { ContactProfile, StatsResponse, StoredEvent } from '@tracklet/protocol';
import type { Credential } from './credentials.js';

/** A non-2xx answer, with the contract's error descriptions as its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type ErrorBody = { errors?: Array<{ message?: string; description?: string }> };

/** One call of the public API with the dashboard's credential; errors become ApiError with the server's text. */
export async function call<T>(credential: Credential, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${credential.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const errors = (json as ErrorBody | null)?.errors ?? [];
    const text = errors.map((e) => e.description ?? e.message).join('; ');
    throw new ApiError(response.status, text || `the collector answered ${response.status}`);
  }
  return json as T;
}

export type StatsBody = Record<string, unknown>;
export const statsQuery = (c: Credential, body: StatsBody) => call<StatsResponse>(c, '/v1/stats/query', body);
export const realtime = (c: Credential) => call<{ visitors: number }>(c, '/v1/stats/realtime');
export const eventsPage = (c: Credential, query: Record<string, string>) =>
  call<StoredEvent[]>(c, `/v1/events?${new URLSearchParams(query)}`);
export const contact = (c: Credential, id: number) => call<ContactProfile>(c, `/v1/contacts/${id}`);
