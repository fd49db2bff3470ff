import type { StoredEvent } from '@tracklet/protocol';
import { holdContact } from '../held-contacts.js';
import { identitiesOf } from '../identities.js';
import { normalizeEmail } from '../output.js';
import { VisitDeltas } from '../visit-rows.js';
import { LATE_AFTER_MS, StaleDays } from '../stale-days.js';
import type { ContactRecord, EventRecord, EventSchemaRecord, NewContact } from '../records.js';

/** Committed event schemas by `account:event`, shared by the store's transactions (getEventSchema). */
export type SchemaCache = Map<string, EventSchemaRecord>;

/** The event stored under an idempotency key and the hash of the request that stored it, or null. */
export type Replay = { event: StoredEvent; requestHash: string | null } | null;

/**
 * The flush statement's parameters (event-statements.ts): new contacts, their links, events, visit rows, the days
 * late events mark stale, and the time before which a visit that goes on marks its first day.
 */
export type HeldWrites = [string, string, string, string, string, number];

interface Link {
  account_id: number;
  anonymous_id: string;
  contact_id: number;
  created_at: number;
}

/**
 * What one PostgreSQL transaction holds between its statements, so that the 100 events of one visitor's beacon cost
 * one lock and one read instead of one each, and the transaction's new rows go as one statement (PostgresTx.flush).
 * What it read was read under its lock, and what it wrote is this transaction's, so it stays true until the
 * transaction ends, unless a savepoint rolls back or a statement moves many rows at once: then `invalidate()`.
 */
export class TxCache {
  /** Advisory locks taken, by `account:key`. */
  readonly locked = new Set<string>();
  /** `account:anonymous_id` → its contact's id, or null when unmapped. */
  readonly anonymousIds = new Map<string, number | null>();
  /** Contacts read FOR UPDATE or created, one record each (held-contacts.ts), by `account:id`. */
  readonly contacts = new Map<string, ContactRecord>();
  /**
   * `account:field:value` → the id of the live contact holding that identity (the lowest), or null. A contact written
   * in this transaction may give or take identities: its old and new ones are forgotten then (forgetIdentitiesOf).
   */
  readonly identities = new Map<string, number | null>();
  /** `account:key` → what is stored under that idempotency key. */
  readonly idempotency = new Map<string, Replay>();
  /** Contact ids drawn ahead from the contacts' sequence (prepare): a new contact then costs no statement. */
  freshContactIds: number[] = [];
  /** Held back until flush: the events inserted, the contacts created with a fresh id, and their visitors' links. */
  private events: EventRecord[] = [];
  readonly newContacts = new Map<string, ContactRecord>();
  private readonly links = new Map<string, Link>();
  /** The visits the held events add to (issue #18), upserted by the same flush. */
  private readonly visits = new VisitDeltas();
  /** The days late events touch, marked stale for the stats' rollups by the same flush (stale-days.ts). */
  private readonly stale = new StaleDays();
  /** Schemas this transaction wrote: the shared cache takes them once it committed (publishSchemas). */
  readonly schemasWritten = new Map<string, EventSchemaRecord>();

  constructor(readonly committedSchemas: SchemaCache) {}

  invalidate(): void {
    this.locked.clear();
    this.anonymousIds.clear();
    this.contacts.clear();
    this.identities.clear();
    this.idempotency.clear();
    this.freshContactIds = [];
    this.events = [];
    this.newContacts.clear();
    this.links.clear();
    this.visits.clear();
    this.stale.clear();
    this.schemasWritten.clear();
  }

  /** Called after COMMIT: the schemas written are now everybody's. */
  publishSchemas(): void {
    for (const [key, schema] of this.schemasWritten) this.committedSchemas.set(key, schema);
  }

  hold(contact: ContactRecord): ContactRecord {
    return holdContact(this.contacts, contact);
  }

  /** An event inserted: a later lookup of its idempotency key in this transaction finds it. */
  holdEvent(event: EventRecord, stored: StoredEvent): void {
    this.events.push(event);
    this.visits.add(event);
    this.stale.note(event.account_id, event.test, event.occurred_at, true);
    const key = event.idempotency_key;
    if (key) this.idempotency.set(`${event.account_id}:${key}`, { event: stored, requestHash: event.request_hash });
  }

  /** A contact created with an id drawn ahead: its row goes with the next flush. */
  holdNewContact(contact: ContactRecord): ContactRecord {
    this.newContacts.set(`${contact.account_id}:${contact.id}`, contact);
    return this.hold(contact);
  }

  /** Points a visitor at a contact not sent yet: the link goes with it. */
  holdLink(accountId: number, anonymousId: string, contactId: number, now: number): void {
    const key = `${accountId}:${anonymousId}`;
    this.links.set(key, { account_id: accountId, anonymous_id: anonymousId, contact_id: contactId, created_at: now });
    this.anonymousIds.set(key, contactId);
  }

  /** The held-back contacts, links, events and visits as the flush statement's JSON parameters; null when none. */
  takeHeldWrites(): HeldWrites | null {
    if (this.newContacts.size === 0 && this.links.size === 0 && this.events.length === 0) return null;
    const contacts = [...this.newContacts.values()].map((c) => ({
      ...c,
      email_norm: c.email && normalizeEmail(c.email),
    }));
    const held: HeldWrites = [
      JSON.stringify(contacts),
      JSON.stringify([...this.links.values()]),
      JSON.stringify(this.events),
      JSON.stringify(this.visits.take()),
      JSON.stringify(this.stale.take()),
      Date.now() - LATE_AFTER_MS,
    ];
    this.newContacts.clear();
    this.links.clear();
    this.events = [];
    return held;
  }

  /**
   * Forgets the identities read ahead that `contact`, about to be written, held (a contact's id is unique across
   * accounts) or now holds.
   */
  forgetIdentitiesOf(contact: NewContact & { id?: number }): void {
    if (contact.id !== undefined)
      for (const [key, holder] of this.identities) if (holder === contact.id) this.identities.delete(key);
    for (const [field, value] of identitiesOf(contact))
      this.identities.delete(`${contact.account_id}:${field}:${value}`);
  }
}
