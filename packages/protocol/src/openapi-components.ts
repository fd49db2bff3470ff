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
import { acceptedBodySchema, discardedBodySchema, eventStatusSchema, resultsBodySchema } from './results.js';

/**
 * The schemas the OpenAPI document names (`#/components/schemas/<id>`) wherever a route uses them; any other schema
 * is written out in place. A registry of its own, so the schemas themselves carry no OpenAPI metadata.
 */
export const apiComponents = z.registry<{ id: string }>();

/** Each is written once under components, used by a route or not (a beacon's and a batch's items are). */
export const apiComponentSchemas: Record<string, z.ZodType> = {
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
};
for (const [id, schema] of Object.entries(apiComponentSchemas)) apiComponents.add(schema, { id });
