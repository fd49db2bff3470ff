import type { ContactProfile, PropertyValue } from '@tracklet/protocol';
import type { Collector } from './collector.js';

const call = async <T>(c: Collector, key: string, method: string, path: string, body?: unknown): Promise<T> => {
  const r = await fetch(`${c.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

/** GET /v1/contacts/:id with a secret key: the profile (attributes, anonymous ids, first and last touch). */
export const getContact = (c: Collector, key: string, id: number): Promise<ContactProfile> =>
  call(c, key, 'GET', `/v1/contacts/${id}`);

/** POST /v1/contacts: a contact the site already knows (e.g. from its CRM) before the visitor logs in. */
export const upsertContact = (
  c: Collector,
  key: string,
  contact: { email?: string; phone?: string; external_id?: string; attributes?: Record<string, PropertyValue> },
): Promise<ContactProfile> => call(c, key, 'POST', '/v1/contacts', contact);
