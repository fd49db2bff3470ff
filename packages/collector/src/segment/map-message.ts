import type { PropertyValue } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import { type ContextFields, contextFields } from './context-fields.js';
import { flattenProperties } from './flatten-properties.js';
import type { SegmentMessage } from './message-schema.js';
import { normalizeName } from './normalize-name.js';

type Flat = Record<string, PropertyValue>;

/** A Segment message as a Tracklet event, before it is checked against the contract's schema. */
export interface MappedMessage {
  event: string;
  data: Flat;
  /** Attributes for the contact (`login`/`update`); absent for other events. */
  contact?: Flat;
  amount?: number;
  who: { email?: string; phone?: string; external_id?: string };
  anonymousId?: string;
  fields: ContextFields;
}

/** Segment's e-commerce spec names this event; it becomes the contract's `confirmation` (order dedup, amount). */
const orderCompleted = 'order_completed';
const str = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** A number, or a numeric string (Segment's docs allow `"revenue": "12.50"`); anything else is no amount. */
function amountOf(...values: unknown[]): number | undefined {
  for (const value of values) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  return undefined;
}

function withKey(data: Flat, key: string, value: PropertyValue, path: string): Flat {
  if (key in data)
    throw new TrackletError('invalid_property_name', `${path}.${key} is reserved by the mapping`, { path });
  return { ...data, [key]: value };
}

function track(m: Extract<SegmentMessage, { type: 'track' }>): Omit<MappedMessage, 'who' | 'fields'> {
  const name = normalizeName(m.event);
  const props = m.properties ?? {};
  const data = withKey(flattenProperties(props, 'properties'), 'segment_event', m.event, 'properties');
  if (name === orderCompleted) return { event: 'confirmation', data, amount: amountOf(props.revenue, props.total) };
  return { event: name, data, amount: amountOf(props.revenue) };
}

/** Traits: email and phone are identities, everything else the contact's attributes. */
function identify(m: Extract<SegmentMessage, { type: 'identify' }>, who: MappedMessage['who']) {
  const { email, phone, ...traits } = m.traits ?? {};
  if (str(email)) who.email = str(email);
  if (str(phone)) who.phone = str(phone);
  const known = who.email ?? who.phone ?? who.external_id;
  // Traits without any identity only describe the anonymous visitor: an update, not a login.
  return { event: known ? 'login' : 'update', data: {}, contact: flattenProperties(traits, 'traits') };
}

function page(m: Extract<SegmentMessage, { type: 'page' | 'screen' }>): Omit<MappedMessage, 'who' | 'fields'> {
  const { url: _u, title: _t, referrer: _r, search: _s, ...rest } = m.properties ?? {};
  const data = flattenProperties(m.type === 'page' ? rest : (m.properties ?? {}), 'properties');
  // analytics-next repeats the page's name in its properties; the message's own fills in when they lack it.
  if (m.name && data.name === undefined) data.name = m.name;
  if (m.category && data.category === undefined) data.category = m.category;
  return { event: m.type === 'page' ? 'page_view' : 'screen_view', data };
}

function group(m: Extract<SegmentMessage, { type: 'group' }>): Omit<MappedMessage, 'who' | 'fields'> {
  const traits = flattenProperties(m.traits, 'traits');
  const contact: Flat = { group_id: m.groupId };
  for (const [key, value] of Object.entries(traits)) contact[`group_${key}`] = value;
  return { event: 'update', data: { group_id: m.groupId }, contact };
}

/**
 * One Segment message as a Tracklet event (README "Coming from Segment" has the table): `userId` is the contact's
 * external id and `anonymousId` the visitor, so any message with both identifies the visitor (the login merge).
 * `alias` is a login of `previousId` (as the visitor) into `userId`.
 */
export function mapMessage(m: SegmentMessage): MappedMessage {
  const who: MappedMessage['who'] = m.userId ? { external_id: m.userId } : {};
  const base = { who, anonymousId: m.anonymousId || undefined };
  const fields = contextFields(m.context, m.type === 'page' ? m.properties : undefined);
  switch (m.type) {
    case 'track':
      return { ...base, fields, ...track(m) };
    case 'identify':
      return { ...base, fields, ...identify(m, who) };
    case 'page':
    case 'screen':
      return { ...base, fields, ...page(m) };
    case 'group':
      return { ...base, fields, ...group(m) };
    case 'alias':
      return {
        ...base,
        anonymousId: m.previousId,
        fields,
        event: 'login',
        data: { previous_id: m.previousId },
        contact: {},
      };
  }
}
