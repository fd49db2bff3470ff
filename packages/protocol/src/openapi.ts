import { z } from 'zod';
import {
  accountSchema,
  accountWithKeysSchema,
  createAccountSchema,
  createKeySchema,
  issuedKeySchema,
  updateAccountSchema,
} from './admin.js';
import { beaconEventSchema, beaconSchema } from './beacon.js';
import { contactProfileSchema, contactUpsertSchema, eventSchemaSummarySchema } from './contact.js';
import { errorBodySchema } from './errors.js';
import { batchInputSchema, eventInputSchema, storedEventSchema } from './event.js';
import { statsQuerySchema } from './stats.js';
import { acceptedBodySchema, discardedBodySchema, eventStatusSchema, resultsBodySchema } from './results.js';

const components = {
  EventInput: eventInputSchema,
  BatchInput: batchInputSchema,
  StoredEvent: storedEventSchema,
  Beacon: beaconSchema,
  BeaconEvent: beaconEventSchema,
  Results: resultsBodySchema,
  Discarded: discardedBodySchema,
  Accepted: acceptedBodySchema,
  EventStatus: eventStatusSchema,
  ContactUpsert: contactUpsertSchema,
  ContactProfile: contactProfileSchema,
  EventSchema: eventSchemaSummarySchema,
  ErrorBody: errorBodySchema,
  CreateAccount: createAccountSchema,
  UpdateAccount: updateAccountSchema,
  CreateKey: createKeySchema,
  Account: accountSchema,
  AccountWithKeys: accountWithKeysSchema,
  IssuedKey: issuedKeySchema,
  StatsQuery: statsQuerySchema,
} as const;

const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof components) => ({ content: { 'application/json': { schema: ref(name) } } });
const errors = {
  '4XX': { description: 'error', ...json('ErrorBody') },
  '503': { description: 'store unavailable', ...json('ErrorBody') },
};
const op = (
  summary: string,
  scope: string | null,
  body: keyof typeof components | null,
  ok: Record<string, unknown>,
) => ({
  summary,
  ...(scope ? { security: [{ bearer: [] }], 'x-scope': scope } : {}),
  ...(body ? { requestBody: { required: true, ...json(body) } } : {}),
  responses: { ...ok, ...errors },
});
const answer = (description: string, name?: keyof typeof components, array = false) => ({
  description,
  ...(name
    ? { content: { 'application/json': { schema: array ? { type: 'array', items: ref(name) } : ref(name) } } }
    : {}),
});

/** The OpenAPI 3.1 document of the contract, generated from the zod schemas (served at GET /openapi.json). */
export function buildOpenApiDocument(serverUrl?: string) {
  const schemas = Object.fromEntries(
    Object.entries(components).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema as z.ZodType, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    ]),
  );
  const event = answer('the stored event', 'StoredEvent');
  return {
    openapi: '3.1.0',
    info: { title: 'Tracklet collector API', version: '1.0.0' },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/v1/events': {
        post: op('Record one event', 'events.write', 'EventInput', {
          '201': event,
          '200': answer('replayed or discarded', 'StoredEvent'),
          '202': answer('log mode: accepted, not yet written', 'Accepted'),
        }),
        get: op('List events, newest first', 'events.read', null, { '200': answer('events', 'StoredEvent', true) }),
      },
      '/v1/events/batch': {
        post: op('Record up to 500 events', 'events.write', 'BatchInput', { '200': answer('results', 'Results') }),
      },
      '/v1/events/{id}': { get: op('One event', 'events.read', null, { '200': event }) },
      '/v1/events/status': {
        get: op('Was this idempotency key stored?', 'events.read', null, { '200': answer('status', 'EventStatus') }),
      },
      '/v1/contacts': {
        post: op('Create or update a contact', 'contacts.write', 'ContactUpsert', {
          '200': answer('updated', 'ContactProfile'),
          '201': answer('created', 'ContactProfile'),
        }),
        get: op('Find contacts (by email, phone, external_id)', 'contacts.read', null, {
          '200': answer('contacts', 'ContactProfile', true),
        }),
      },
      '/v1/contacts/{id}': {
        get: op('A contact profile', 'contacts.read', null, { '200': answer('profile', 'ContactProfile') }),
        delete: op('Erase a contact, its identities and events', 'contacts.write', null, { '200': answer('deleted') }),
      },
      '/v1/contacts/{id}/events': {
        get: op("A contact's events", 'contacts.read', null, { '200': answer('events', 'StoredEvent', true) }),
      },
      '/v1/event-schemas': {
        get: op('Inferred property types per event', 'events.read', null, {
          '200': answer('schemas', 'EventSchema', true),
        }),
      },
      '/v1/stats/query': {
        post: op('Aggregates, breakdowns and time series of the events (issue #18)', 'stats.read', 'StatsQuery', {
          '200': answer('{ results: [{ dimensions, metrics }], meta, query }'),
        }),
      },
      '/v1/stats/realtime': {
        get: op('Visitors in the last 5 minutes', 'stats.read', null, {
          '200': answer('{ visitors, window_seconds }'),
        }),
      },
      '/v1/collect': {
        post: op('Browser beacons (publishable key in the body)', null, 'Beacon', {
          '200': answer('results', 'Results'),
        }),
      },
      '/v1/admin/accounts': {
        post: op('Create an account and its keys', 'admin', 'CreateAccount', {
          '201': answer('account', 'AccountWithKeys'),
        }),
      },
      '/v1/admin/accounts/{id}': {
        patch: op('Change an account', 'admin', 'UpdateAccount', { '200': answer('account', 'Account') }),
      },
      '/v1/admin/accounts/{id}/keys': {
        post: op('Issue a key', 'admin', 'CreateKey', { '201': answer('key', 'IssuedKey') }),
      },
      '/v1/admin/keys/{id}': { delete: op('Revoke a key', 'admin', null, { '200': answer('revoked') }) },
    },
  };
}
